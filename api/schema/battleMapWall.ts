import type { Light, ProblemCategory } from '../../domain/index.js';
import type { BattleMap } from '../../projections/battleMap.js';
import type { Context } from '../context.js';
import { builder } from './builder.js';
import { unitRow } from './args.js';
import { BattleMapRef, LightEnum } from './battleMap.js';
import { ProblemCategoryEnum } from './problem.js';
import { UnitRef } from './unit.js';

/**
 * What the wall (挂图作战) draws beyond the map's own counts: the units × categories grid and the
 * problems opened and closed per month. Both are summed here from the map's items, so the web app
 * does not have to fetch every item of the county to draw them.
 */
type Cell = { unitId: string; category: ProblemCategory; light: Light; ledgerNumbers: string[]; red: number; yellow: number; green: number };
type Month = { month: string; opened: number; closed: number };

const rank: Record<Light, number> = { green: 0, yellow: 1, red: 2 };

/** The problems' facts at the map's instant (replays are cached by the read models). */
const factsOf = (ctx: Context, m: BattleMap) => ctx.readModels.factsAsOf(m.asOf);

const CellRef = builder.objectRef<Cell>('BattleMapCell').implement({
  description: 'One unit’s problems of one category: a cell of the wall’s grid.',
  fields: (t) => ({
    unit: t.field({ type: UnitRef, nullable: true, description: 'The responsible unit.', resolve: (c, _a, ctx) => unitRow(ctx, c.unitId) }),
    category: t.field({ type: ProblemCategoryEnum, description: 'The category.', resolve: (c) => c.category }),
    light: t.field({ type: LightEnum, description: 'The worst light of its items (red over yellow over green).', resolve: (c) => c.light }),
    count: t.int({ description: 'How many problems.', resolve: (c) => c.ledgerNumbers.length }),
    red: t.exposeInt('red', { description: 'How many have a red light.' }),
    yellow: t.exposeInt('yellow', { description: 'How many have a yellow light.' }),
    green: t.exposeInt('green', { description: 'How many have a green light.' }),
    ledgerNumbers: t.exposeStringList('ledgerNumbers', { description: 'Their ledger numbers, sorted: what the cell opens.' }),
  }),
});

const MonthRef = builder.objectRef<Month>('BattleMapMonth').implement({
  description: 'Problems opened (raised) and closed (销号) in one calendar month, among the problems on the map.',
  fields: (t) => ({
    month: t.exposeString('month', { description: 'The month, YYYY-MM (county calendar).' }),
    opened: t.exposeInt('opened', { description: 'Raised that month.' }),
    closed: t.exposeInt('closed', { description: 'Closed that month and still closed at the map’s instant.' }),
  }),
});

builder.objectFields(BattleMapRef, (t) => ({
  cells: t.field({
    type: [CellRef],
    description: 'The wall’s grid: one cell per responsible unit and category that has problems, by unit id then category.',
    resolve: async (m, _a, ctx) => {
      const facts = await factsOf(ctx, m);
      const cells = new Map<string, Cell>();
      for (const item of m.items()) {
        const f = facts.problems.get(item.problemId);
        if (!item.unitId || !f) continue;
        const key = `${item.unitId}\u0000${f.category}`;
        const cell = cells.get(key) ?? { unitId: item.unitId, category: f.category, light: 'green', ledgerNumbers: [], red: 0, yellow: 0, green: 0 };
        cell.ledgerNumbers.push(item.ledgerNumber);
        cell[item.light] += 1;
        if (rank[item.light] > rank[cell.light]) cell.light = item.light;
        cells.set(key, cell);
      }
      for (const cell of cells.values()) cell.ledgerNumbers.sort();
      return [...cells.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, cell]) => cell);
    },
  }),
  monthly: t.field({
    type: [MonthRef],
    description: 'Problems opened and closed per month, oldest month first (months with neither are left out).',
    resolve: async (m, _a, ctx) => {
      const facts = await factsOf(ctx, m);
      const months = new Map<string, Month>();
      const bump = (day: string, key: 'opened' | 'closed') => {
        const month = day.slice(0, 7);
        const row = months.get(month) ?? { month, opened: 0, closed: 0 };
        row[key] += 1;
        months.set(month, row);
      };
      for (const item of m.items()) {
        const f = facts.problems.get(item.problemId);
        if (!f) continue;
        bump(f.raisedOn, 'opened');
        if (f.status === 'closed' && f.closedOn) bump(f.closedOn, 'closed');
      }
      return [...months.values()].sort((a, b) => (a.month < b.month ? -1 : 1));
    },
  }),
}));
