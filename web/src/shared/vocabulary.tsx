import { type ReactNode, createContext, useContext, useMemo } from 'react';
import { gql } from './api';
import { ErrorMessage } from './errors';
import { type Lang, useI18n } from './i18n';
import { useAsync } from './useAsync';

/** A word of the ledger as the server's `vocabulary` query gives it (from the domain): its value and labels. */
export type Term = { value: string; label: Record<Lang, string> };
export type ScoreRuleTerm = Term & { part: string; points: number | null; pointsBySource: { source: string; points: number }[] };
type Vocabulary = {
  /** `offered`: whether forms offer it for a new raise (县自查 is not: it was split into three). */
  sources: (Term & { code: string; offered: boolean })[];
  categories: Term[];
  problemStatuses: Term[];
  grades: Term[];
  interviewLevels: Term[];
  interviewRules: Term[];
  hotlineReportStatuses: Term[];
  scoreParts: Term[];
  scoreRules: ScoreRuleTerm[];
  exemptionDistinctions: Term[];
  assessmentItemKinds: Term[];
  exemptionApplicationStatuses: Term[];
};
export type Kind = keyof Vocabulary;

const VOCABULARY = `query Vocabulary { vocabulary {
  sources { value code offered label { zh en } }
  categories { value label { zh en } }
  problemStatuses { value label { zh en } }
  grades { value label { zh en } }
  interviewLevels { value label { zh en } }
  interviewRules { value label { zh en } }
  hotlineReportStatuses { value label { zh en } }
  scoreParts { value label { zh en } }
  scoreRules { value part label { zh en } points pointsBySource { source points } }
  exemptionDistinctions { value label { zh en } }
  assessmentItemKinds { value label { zh en } }
  exemptionApplicationStatuses { value label { zh en } }
} }`;

export type Words = Vocabulary & {
  /** A value's label in the reader's language (the value itself if the server does not know it). */
  label: (kind: Kind, value: string) => string;
  /** A value's label in Chinese: the county's documents (the exports) are in Chinese whatever the reader's language. */
  zh: (kind: Kind, value: string) => string;
  /** Where a value sits in the server's order, for sorting by it. */
  rank: (kind: Kind, value: string) => number;
};

const VocabularyContext = createContext<Vocabulary | null>(null);

/** Fetches the vocabulary once per sign-in and keeps it for every page; renders them once it is there. */
export function VocabularyProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const vocabulary = useAsync(() => gql<{ vocabulary: Vocabulary }>(VOCABULARY).then((d) => d.vocabulary), []);
  if (!vocabulary.data)
    return vocabulary.error ? <ErrorMessage error={vocabulary.error} /> : <p className="muted">{t('common.loading')}</p>;
  return <VocabularyContext.Provider value={vocabulary.data}>{children}</VocabularyContext.Provider>;
}

/** The ledger's words, in the reader's language. */
export function useVocabulary(): Words {
  const vocabulary = useContext(VocabularyContext);
  const { lang } = useI18n();
  if (!vocabulary) throw new Error('useVocabulary outside VocabularyProvider');
  return useMemo(() => {
    const find = (kind: Kind, value: string) => (vocabulary[kind] as Term[]).find((term) => term.value === value);
    return {
      ...vocabulary,
      label: (kind, value) => find(kind, value)?.label[lang] ?? value,
      zh: (kind, value) => find(kind, value)?.label.zh ?? value,
      rank: (kind, value) => (vocabulary[kind] as Term[]).findIndex((term) => term.value === value),
    };
  }, [vocabulary, lang]);
}

/** A select of one kind of word (sources, categories, statuses…), in the server's order, with a first option (all, or a disabled prompt). */
export function TermSelect({
  kind,
  first,
  only,
  ...select
}: {
  kind: Kind;
  first: { label: string; disabled?: boolean };
  /** Which of the words to offer (all when not given). */
  only?: (term: Term & { offered?: boolean }) => boolean;
  name: string;
  value?: string;
  defaultValue?: string;
  onChange?: (value: string) => void;
  required?: boolean;
  autoFocus?: boolean;
}) {
  const words = useVocabulary();
  const { onChange, ...rest } = select;
  return (
    <select {...rest} onChange={onChange && ((e) => onChange(e.target.value))}>
      <option value="" disabled={first.disabled}>
        {first.label}
      </option>
      {(words[kind] as Term[]).filter(only ?? (() => true)).map((term) => (
        <option key={term.value} value={term.value}>
          {words.label(kind, term.value)}
        </option>
      ))}
    </select>
  );
}
