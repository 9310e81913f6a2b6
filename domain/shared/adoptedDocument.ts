import { z } from 'zod';
import { IllegalStateError } from './errors.js';
import { Text, message } from './messages.js';

/**
 * A document adopted in versions — the policy (考核办法), the county calendar (工作日历): every
 * version lives in one stream, each adoption is the next version number, and the last adopted is
 * in force from the moment it is adopted. Each aggregate keeps its own event, command and names;
 * this is the shape they share.
 */
export type AdoptedState<D> = { version: number; document: D | null };

/** Nothing adopted yet. */
export const noneAdopted = <D>(): AdoptedState<D> => ({ version: 0, document: null });

/** The event of an adoption: the version it became, the document, and why it changed. */
export const adoptedEvent = <const T extends string, D extends z.ZodType>(type: T, document: D) =>
  message(type, 1, z.object({ version: z.number().int().positive(), document, reason: Text(2000) }));

/** The command adopting a new version of a document, with the reason for it. */
export const adoptCommand = <const T extends string, D extends z.ZodType>(type: T, document: D) =>
  message(type, 1, z.object({ document, reason: Text(2000) }));

type Adoption<D> = { type: string; data: { version: number; document: D; reason: string } };

/** The document an adoption puts in force. */
export function evolveAdopted<D>(_state: AdoptedState<D>, event: Adoption<D>): AdoptedState<D> {
  return { version: event.data.version, document: event.data.document };
}

/**
 * Adopting the version already in force changes nothing; otherwise the next version number.
 * `exhausted` names the error when the versions run out (`POLICY_VERSION_EXHAUSTED`) and what ran out.
 */
export function decideAdoption<D, E extends Adoption<D>>(
  eventType: E['type'],
  exhausted: { code: string; message: string },
): (state: AdoptedState<D>, command: { data: { document: D; reason: string } }) => E[] {
  return (state, command) => {
    if (state.document !== null && JSON.stringify(state.document) === JSON.stringify(command.data.document)) return [];
    if (state.version >= Number.MAX_SAFE_INTEGER) throw new IllegalStateError(exhausted.code, exhausted.message);
    return [{ type: eventType, data: { version: state.version + 1, ...command.data } } as E];
  };
}
