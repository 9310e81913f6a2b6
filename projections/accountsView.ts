import { type AccountEvent, type AccountState, evolveAccount, initialAccountState } from '../domain/index.js';
import type { RecordedEvent } from '../eventstore/port.js';
import type { Projection } from './runner.js';

export type AccountRow = Exclude<AccountState, { status: 'unregistered' }>;

const accountEvents = new Set<string>([
  'UserRegistered',
  'PasswordChanged',
  'RolesChanged',
  'UserDisabled',
  'UserEnabled',
  'SessionsRevoked',
] satisfies AccountEvent['type'][]);

/** Every account as it now stands: what each request's token is checked against. */
export const accountsView: Projection<{ users: Map<string, AccountRow> }> = {
  name: 'accounts',
  version: 1,
  initial: () => ({ users: new Map() }),
  apply(view, event: RecordedEvent) {
    if (!accountEvents.has(event.type)) return;
    const domainEvent = event as unknown as AccountEvent;
    const state = evolveAccount(view.users.get(domainEvent.data.userId) ?? initialAccountState, domainEvent);
    if (state.status !== 'unregistered') view.users.set(state.userId, state);
  },
};

/** Every account, in login order. */
export function userRows(view: { users: Map<string, AccountRow> }): AccountRow[] {
  return [...view.users.values()].sort((a, b) => a.login.localeCompare(b.login));
}
