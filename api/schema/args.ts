import { NotFoundError, ValidationError, instantWithOffsetMs } from '../../domain/index.js';
import { ledgerView } from '../../projections/ledgerView.js';
import type { Context } from '../context.js';

export const asOfDescription =
  'An ISO-8601 instant with its offset (e.g. 2019-06-30T18:00:00+08:00): the ledger as it stood then by its business dates — events that occurred at or before it, and facts migrated from an earlier ledger (迁移导入) dated on or before its day. Now when omitted.';

export const knownOnDescription =
  'An ISO-8601 instant with its offset: only what had been recorded by then ("as known on"), migrated facts included only once imported. Everything recorded when omitted.';

/** The instant asked about, checked; undefined means now. */
export function parseAsOf(asOf: string | null | undefined, field = 'asOf'): string | undefined {
  if (asOf == null) return undefined;
  if (instantWithOffsetMs(asOf) === null)
    throw new ValidationError(
      'INVALID_INSTANT',
      `${field} ${asOf} is not an ISO-8601 instant with a real offset (−12:00 to +14:00), such as 2019-06-30T18:00:00+08:00.`,
      {
        field,
      },
    );
  return asOf;
}

/** A unit id argument, which must name a registered unit. */
export function knownUnit(ctx: Context, unitId: string | number | null | undefined): string | null {
  if (unitId == null) return null;
  const id = String(unitId);
  if (!ctx.services.runner.state(ledgerView).units.has(id))
    throw new NotFoundError('UNIT_NOT_FOUND', `There is no unit with id ${id}.`, { field: 'unitId' });
  return id;
}

/** The unit as the ledger lists it now (for names and kinds in answers about the past too). */
export const unitRow = (ctx: Context, unitId: string | null) =>
  unitId ? (ctx.services.runner.state(ledgerView).units.get(unitId) ?? null) : null;
