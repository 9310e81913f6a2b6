import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { gql } from '../shared/api';
import { ErrorMessage } from '../shared/errors';
import { type MessageKey, useI18n } from '../shared/i18n';
import { useAsync } from '../shared/useAsync';
import { useAction } from '../shared/useSubmit';
import { useVocabulary } from '../shared/vocabulary';

/** 举一反三: a problem of any unit that resembles the one asked about, and why (the server's `similarProblems`). */
export type SimilarProblem = {
  problem: {
    id: string;
    ledgerNumber: string;
    status: string;
    category: string;
    raisedOn: string;
    description: string;
    responsibleUnit: { name: string } | null;
  };
  score: number;
  sharedWords: string[];
  sameCategory: boolean;
  sameSource: boolean;
  link: 'recurrence' | 'related' | null;
};

/** The fields of a `SimilarProblem` this module reads (the import preview asks for the same). */
export const SIMILAR_FIELDS =
  'problem { id ledgerNumber status category raisedOn description responsibleUnit { name } } score sharedWords sameCategory sameSource link';

/** The similar problems of a problem of the ledger. */
export async function similarToProblem(problemId: string): Promise<SimilarProblem[]> {
  const data = await gql<{ similarProblems: SimilarProblem[] }>(
    `query Similar($p: ID) { similarProblems(problemId: $p) { ${SIMILAR_FIELDS} } }`,
    {
      p: problemId,
    },
  );
  return data.similarProblems;
}

/** The similar problems of a description being written (with its category when chosen). */
export async function similarToText(text: string, category: string | null): Promise<SimilarProblem[]> {
  const data = await gql<{ similarProblems: SimilarProblem[] }>(
    `query SimilarText($t: String, $c: ProblemCategory) { similarProblems(text: $t, category: $c) { ${SIMILAR_FIELDS} } }`,
    { t: text, c: category || null },
  );
  return data.similarProblems;
}

async function linkProblem(problemId: string, earlierProblemId: string, kind: 'recurrence' | 'related'): Promise<void> {
  await gql(
    `mutation Link($p: ID!, $e: ID!, $k: ProblemLinkKind!) { linkProblem(problemId: $p, earlierProblemId: $e, kind: $k) { problem { id } } }`,
    { p: problemId, e: earlierProblemId, k: kind },
  );
}

/**
 * The list, each with its unit, status, score and why. With `linkFrom` (the office, on a problem it
 * may link), each earlier one gets the buttons 标为复发 / 标为相关; `onLinked` reloads the page.
 */
export function SimilarList({
  items,
  linkFrom,
  onLinked,
}: {
  items: readonly SimilarProblem[];
  linkFrom?: { problemId: string; raisedOn: string } | null;
  onLinked?: () => void;
}) {
  const { t } = useI18n();
  const words = useVocabulary();
  const { busy, error, run } = useAction();
  if (items.length === 0) return <p className="muted">{t('similar.none')}</p>;
  return (
    <>
      <ol className="similar-problems">
        {items.map((m) => {
          const why = [
            t('similar.score', { s: m.score.toFixed(2) }),
            m.sameCategory ? t('similar.sameCategory') : null,
            m.sameSource ? t('similar.sameSource') : null,
            m.sharedWords.length > 0 ? t('similar.shared', { w: m.sharedWords.join('、') }) : null,
          ].filter(Boolean);
          // Only an earlier problem (raised on or before this one) can be what this one repeats or relates to.
          const earlier = linkFrom ? m.problem.raisedOn <= linkFrom.raisedOn : false;
          return (
            <li key={m.problem.id} data-similar={m.problem.ledgerNumber}>
              <p>
                <Link to={`/problems/${m.problem.id}`}>{m.problem.ledgerNumber}</Link>{' '}
                <span className="muted">
                  {m.problem.responsibleUnit?.name ?? t('common.none')} · {words.label('problemStatuses', m.problem.status)} ·{' '}
                  {words.label('categories', m.problem.category)}
                </span>
              </p>
              <p className="prose">{m.problem.description}</p>
              <p className="muted detail">{why.join(' · ')}</p>
              {m.link && <p className="badge">{t(`similar.linked.${m.link}` as MessageKey)}</p>}
              {linkFrom && earlier && m.link !== 'recurrence' && (
                <div className="action-buttons">
                  {(['recurrence', 'related'] as const)
                    .filter((kind) => kind === 'recurrence' || m.link === null)
                    .map((kind) => (
                      <button
                        key={kind}
                        type="button"
                        data-link={kind}
                        disabled={busy}
                        onClick={() =>
                          run(async () => {
                            await linkProblem(linkFrom.problemId, m.problem.id, kind);
                            onLinked?.();
                          })
                        }
                      >
                        {t(kind === 'recurrence' ? 'similar.linkRecurrence' : 'similar.linkRelated')}
                      </button>
                    ))}
                </div>
              )}
            </li>
          );
        })}
      </ol>
      <ErrorMessage error={error} />
    </>
  );
}

/** As a description is typed: the similar problems, asked again half a second after the typing stops. */
export function SimilarAsTyped({ text, category }: { text: string; category: string | null }) {
  const { t } = useI18n();
  const [settled, setSettled] = useState(text);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(text), 500);
    return () => clearTimeout(timer);
  }, [text]);
  const found = useAsync(() => (settled.trim() ? similarToText(settled, category) : Promise.resolve([])), [settled, category]);
  return (
    <section className="similar" aria-label={t('similar.title')} aria-live="polite">
      <h4>{t('similar.title')}</h4>
      <p className="muted">{t('similar.hint')}</p>
      {found.loading && !found.data ? <p className="muted">{t('similar.loading')}</p> : <SimilarList items={found.data ?? []} />}
      <ErrorMessage error={found.error} />
    </section>
  );
}
