import { STANDING_DEADLINE_TERMS, ledgerStatusTerms } from '../../domain/index.js';
import { builder } from './builder.js';
import { ProblemRef } from './problem.js';

/**
 * 迁移导入: how an import reads an office's existing ledger (the one table of 整改状态 terms, and the
 * rules for 整改时限 in words), and, on each item, whether it was brought in from one.
 */

type StatusTerm = (typeof ledgerStatusTerms)[number];

const MigratedStatusEnum = builder.enumType('MigratedStatus', {
  description: 'The state a ledger row is brought in with (迁移导入).',
  values: {
    open: { description: '未整改: assigned to its unit, not taken on.' },
    rectifying: { description: '整改中: taken on by its unit, in rectification.' },
    closed: { description: '已销号: reported fixed, verified and closed on its 销号时间.' },
  } as const,
});

const StatusTermRef = builder.objectRef<StatusTerm>('LedgerStatusTerm').implement({
  description: 'One 整改状态 term as offices write it, and the state an import brings the item in with.',
  fields: (t) => ({
    term: t.exposeString('term', { description: 'The term, e.g. 已办结 (compared without spaces, full-width folded).' }),
    status: t.field({ type: MigratedStatusEnum, description: 'The state it means.', resolve: (s) => s.status }),
  }),
});

const DeadlineRuleRef = builder.objectRef<{ form: string; rule: string }>('LedgerDeadlineRule').implement({
  description: 'A 整改时限 written in words, and the rule an import reads it by.',
  fields: (t) => ({
    form: t.exposeString('form', { description: 'The words, e.g. 6月底前.' }),
    rule: t.exposeString('rule', { description: 'What the import takes them to mean.' }),
  }),
});

const deadlineRules = [
  { form: STANDING_DEADLINE_TERMS.join('、'), rule: 'No deadline: standing work; the row keeps the words (长期坚持 → 无整改时限).' },
  { form: 'N月底前 / N月底 / N月末', rule: 'The last day of month N in the year of the row’s 交办日期.' },
  { form: 'N天 / N日内 / N天内', rule: 'The 交办日期 plus N calendar days.' },
];

type ImportTerms = { statuses: StatusTerm[]; deadlineRules: typeof deadlineRules };
const ImportTermsRef = builder.objectRef<ImportTerms>('ImportTerms').implement({
  description: 'How an import of an existing ledger (迁移导入) reads it: the one table of states, and deadlines in words.',
  fields: (t) => ({
    statuses: t.field({
      type: [StatusTermRef],
      description: '整改状态 terms and the state each means; any other term is refused by name.',
      resolve: (v) => v.statuses,
    }),
    deadlineRules: t.field({
      type: [DeadlineRuleRef],
      description: '整改时限 in words; any other words are refused by name.',
      resolve: (v) => v.deadlineRules,
    }),
  }),
});

builder.queryField('importTerms', (t) =>
  t.field({
    type: ImportTermsRef,
    description: 'The table of 整改状态 terms and the 整改时限 rules an import of an existing ledger reads it by (docs/migration.md).',
    resolve: () => ({ statuses: [...ledgerStatusTerms], deadlineRules }),
  }),
);

builder.objectFields(ProblemRef, (t) => ({
  migratedFrom: t.string({
    nullable: true,
    description:
      '迁移导入: the import (its list’s content hash) that brought this item in from an existing ledger, with its state and original dates; null when raised here.',
    resolve: (r) => r.state.migratedFrom ?? null,
  }),
}));
