import type { WallCell as Cell, WallMonth as Month } from '../../projections/battleMapWall.js';
import { builder } from './builder.js';
import { unitRow } from './args.js';
import { BattleMapRef, LightEnum } from './battleMap.js';
import { ProblemCategoryEnum } from './problem.js';
import { UnitRef } from './unit.js';

/**
 * What the wall (挂图作战) draws beyond the map's own counts: the units × categories grid and the
 * problems opened and closed per month, summed by the read models (projections/battleMapWall.ts)
 * so the web app does not have to fetch every item of the county to draw them.
 */
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
    resolve: (m, _a, ctx) => ctx.services.readModels.wallCells(m),
  }),
  monthly: t.field({
    type: [MonthRef],
    description: 'Problems opened and closed per month, oldest month first (months with neither are left out).',
    resolve: (m, _a, ctx) => ctx.services.readModels.wallMonths(m),
  }),
}));
