import { NotFoundError, ProblemLinkKind, ValidationError } from '../../domain/index.js';
import { type LedgerRow, type ProblemLinkRow, ledgerView } from '../../projections/ledgerView.js';
import { type SimilarMatch, currentIndex, rankingSimilar, similarityIndex } from '../../projections/similarProblems.js';
import { sliced } from '../../projections/slices.js';
import type { Context } from '../context.js';
import { builder } from './builder.js';
import { ProblemCategoryEnum, ProblemRef, ProblemSourceEnum } from './problem.js';

/** 举一反三: the problems that resemble one, and the links (复发 / 相关) the office made between them. */

export const ProblemLinkKindEnum = builder.enumType('ProblemLinkKind', {
  description: 'recurrence (复发: the same problem again, 同类问题第二次, also in another unit) or related (相关: a case to learn from).',
  values: ProblemLinkKind.options,
});

type LinkRow = ProblemLinkRow & { row: LedgerRow };
const ProblemLinkRef = builder.objectRef<LinkRow>('ProblemLink').implement({
  description: 'A link between two problems, as this problem sees it.',
  fields: (t) => ({
    kind: t.field({ type: ProblemLinkKindEnum, description: 'recurrence (复发) or related (相关).', resolve: (l) => l.kind }),
    direction: t.string({
      description:
        '`earlier`: this problem was linked to the other, earlier one; `later`: the other, later problem was linked to this one.',
      resolve: (l) => l.direction,
    }),
    problem: t.field({ type: ProblemRef, description: 'The other problem.', resolve: (l) => l.row }),
    linkedAt: t.exposeString('linkedAt', { description: 'When the link was made.' }),
    linkedBy: t.exposeString('linkedBy', { description: 'Who made it.' }),
    eventId: t.exposeString('eventId', { description: 'The ProblemLinked event (or, for an older raise, its ProblemRaised).' }),
  }),
});

const withRows = (ctx: Context, links: readonly ProblemLinkRow[]): LinkRow[] => {
  const problems = ctx.services.runner.state(ledgerView).problems;
  return links.flatMap((l) => {
    const row = problems.get(l.problemId);
    return row ? [{ ...l, row }] : [];
  });
};

builder.objectField(ProblemRef, 'links', (t) =>
  t.field({
    type: [ProblemLinkRef],
    description: 'Its links (复发 / 相关) to earlier problems and from later ones, in the order made.',
    resolve: (r, _a, ctx) => withRows(ctx, r.links),
  }),
);

export type SimilarRow = SimilarMatch & { row: LedgerRow; link: ProblemLinkKind | null };
export const SimilarProblemRef = builder.objectRef<SimilarRow>('SimilarProblem').implement({
  description: 'A problem that resembles the one asked about, of any unit, open or closed, with why.',
  fields: (t) => ({
    problem: t.field({
      type: ProblemRef,
      description: 'The resembling problem (its unit, status and ledger number).',
      resolve: (m) => m.row,
    }),
    score: t.exposeFloat('score', {
      description: 'Text similarity plus the boosts (same category +0.15, same source +0.05); higher is closer.',
    }),
    textSimilarity: t.exposeFloat('textSimilarity', { description: 'Cosine of the two descriptions’ TF-IDF word vectors, 0–1.' }),
    sharedWords: t.exposeStringList('sharedWords', { description: 'Words both descriptions hold, the most telling first.' }),
    sameCategory: t.exposeBoolean('sameCategory', { description: 'Same category (问题类别) as asked.' }),
    sameSource: t.exposeBoolean('sameSource', { description: 'Same source (问题来源) as asked.' }),
    link: t.field({
      type: ProblemLinkKindEnum,
      nullable: true,
      description: 'How the problem asked about is already linked to this one, if it is.',
      resolve: (m) => m.link,
    }),
  }),
});

const MAX_LIMIT = 20;

builder.queryField('similarProblems', (t) =>
  t.field({
    type: [SimilarProblemRef],
    description:
      '举一反三: the problems of every unit, open and closed, whose description resembles a problem’s (problemId) or a text being written (text), best first. Give exactly one of problemId and text.',
    args: {
      problemId: t.arg.id({ required: false, description: 'A problem of the ledger: compared by its description, category and source.' }),
      text: t.arg.string({ required: false, description: 'A description being written (at most 5000 characters).' }),
      category: t.arg({
        type: ProblemCategoryEnum,
        required: false,
        description: 'With text: the category it will have (boosts the same).',
      }),
      source: t.arg({ type: ProblemSourceEnum, required: false, description: 'With text: the source it will have (boosts the same).' }),
      limit: t.arg.int({ required: false, description: `At most this many (1–${MAX_LIMIT}; 5 when omitted).` }),
    },
    resolve: async (_root, args, ctx) => {
      const limit = args.limit ?? 5;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
        throw new ValidationError('VALIDATION_FAILED', `limit must be between 1 and ${MAX_LIMIT}.`, { field: 'limit' });
      // Just after a start the index may still be segmenting the raises it took: the answer waits for it.
      const index = await currentIndex(ctx.services.runner.state(similarityIndex));
      const byProblem = args.problemId != null;
      if (byProblem === (args.text != null))
        throw new ValidationError(
          'VALIDATION_FAILED',
          'Give either problemId (a problem of the ledger) or text (a description), not both.',
          {
            field: byProblem ? 'text' : 'problemId',
          },
        );
      const view = ctx.services.runner.state(ledgerView);
      let asked: LedgerRow | null = null;
      if (byProblem) {
        asked = view.problems.get(String(args.problemId)) ?? null;
        if (!asked) throw new NotFoundError('PROBLEM_NOT_FOUND', `There is no problem with id ${args.problemId}.`, { field: 'problemId' });
      } else if (args.text!.length > 5000)
        throw new ValidationError('VALIDATION_FAILED', 'text must be at most 5000 characters.', { field: 'text' });
      const query = asked
        ? {
            text: asked.state.description,
            category: asked.state.category,
            source: asked.state.source,
            excludeProblemId: asked.state.problemId,
          }
        : { text: args.text!, category: args.category ?? null, source: args.source ?? null };
      const linkTo = (id: string): ProblemLinkKind | null =>
        asked?.links.filter((l) => l.problemId === id).reduce<ProblemLinkKind | null>((k, l) => (k === 'recurrence' ? k : l.kind), null) ??
        null;
      return (await sliced(rankingSimilar(index, query, limit))).flatMap((m) => {
        const row = view.problems.get(m.problemId);
        return row ? [{ ...m, row, link: linkTo(m.problemId) }] : [];
      });
    },
  }),
);
