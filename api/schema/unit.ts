import { UnitKind } from '../../domain/index.js';
import { builder } from './builder.js';
import { unitRow } from './args.js';
import { type UnitRow, ledgerView, unitRows } from '../../projections/ledgerView.js';

export const UnitKindEnum = builder.enumType('UnitKind', {
  description: 'county 县, township 乡镇, village 村, department 县直部门, assisting_unit 帮扶单位, work_team 驻村工作队',
  values: UnitKind.options,
});

export const UnitRef = builder.objectRef<UnitRow>('Unit');

UnitRef.implement({
  description: 'A unit (单位) that can be responsible for problems or verify them.',
  fields: (t) => ({
    id: t.exposeID('unitId', { description: 'Stable id of the unit.' }),
    name: t.exposeString('name', { description: '单位名称' }),
    kind: t.field({ type: UnitKindEnum, description: 'What kind of unit it is.', resolve: (u) => u.kind }),
    status: t.exposeString('status', { description: 'active, or merged (撤并) into another unit.' }),
    parent: t.field({
      type: UnitRef,
      nullable: true,
      description: 'The unit this one belongs to (a village’s township).',
      resolve: (u, _args, ctx) => unitRow(ctx, u.parentUnitId),
    }),
  }),
});

builder.queryField('units', (t) =>
  t.field({
    type: [UnitRef],
    description: 'Every unit, optionally of one kind, in name order.',
    args: { kind: t.arg({ type: UnitKindEnum, required: false, description: 'Only units of this kind.' }) },
    resolve: (_root, args, ctx) => unitRows(ctx.services.runner.state(ledgerView), args.kind),
  }),
);
