import { z } from 'zod';
import { countyDay } from '../shared/calendar.js';
import { IllegalStateError, NotFoundError, ValidationError, assertNever } from '../shared/errors.js';
import { Id, Name, Text, message } from '../shared/messages.js';
import type { Decider } from '../shared/decider.js';
import {
  type AccountEvent,
  type AccountState,
  Login,
  PasswordHash,
  type Role,
  Roles,
  rolesNeedingUnit,
  evolveAccount,
  initialAccountState,
} from './events.js';

/** The commands on an account. Password hashes are computed by the application and passed in. */
export const RegisterUser = message(
  'RegisterUser',
  1,
  z.object({
    userId: Id,
    login: Login,
    displayName: Name(50),
    roles: Roles,
    unitId: Id.nullable().default(null),
    passwordHash: PasswordHash,
  }),
);
export const ChangePassword = message(
  'ChangePassword',
  1,
  z.object({ userId: Id, passwordHash: PasswordHash, by: z.enum(['self', 'admin']) }),
);
export const ChangeRoles = message('ChangeRoles', 1, z.object({ userId: Id, roles: Roles, unitId: Id.nullable().default(null) }));
export const DisableUser = message('DisableUser', 1, z.object({ userId: Id, reason: Text(500) }));
export const EnableUser = message('EnableUser', 1, z.object({ userId: Id }));
export const RevokeSessions = message('RevokeSessions', 1, z.object({ userId: Id }));

export const AccountCommand = z.discriminatedUnion('type', [
  RegisterUser.schema,
  ChangePassword.schema,
  ChangeRoles.schema,
  DisableUser.schema,
  EnableUser.schema,
  RevokeSessions.schema,
]);
export type AccountCommand = z.infer<typeof AccountCommand>;

/** A unit head or verifier acts for one unit; the county-wide roles need none. */
function checkUnit(roles: Role[], unitId: string | null): void {
  const needing = roles.filter((r) => rolesNeedingUnit.includes(r));
  if (needing.length > 0 && unitId === null)
    throw new ValidationError('UNIT_REQUIRED', `The role ${needing.join(', ')} acts for a unit: name the user's unit.`, {
      field: 'unitId',
    });
}

function mustExist(state: AccountState): Exclude<AccountState, { status: 'unregistered' }> {
  if (state.status === 'unregistered') throw new NotFoundError('USER_NOT_FOUND', 'There is no such user.');
  return state;
}

const sameRoles = (a: Role[], b: Role[]) => a.length === b.length && a.every((r) => b.includes(r));

/** Decide what an account command means; `now` is the injected clock's instant. */
export function decideAccount(state: AccountState, command: AccountCommand, now: string): AccountEvent[] {
  switch (command.type) {
    case 'RegisterUser':
      if (state.status !== 'unregistered')
        throw new IllegalStateError('LOGIN_TAKEN', `The login ${command.data.login} is already taken.`, { field: 'login' });
      checkUnit(command.data.roles, command.data.unitId);
      return [{ type: 'UserRegistered', data: { ...command.data, registeredOn: countyDay(now) } }];
    case 'ChangePassword':
      mustExist(state);
      return [{ type: 'PasswordChanged', data: command.data }];
    case 'ChangeRoles': {
      const account = mustExist(state);
      checkUnit(command.data.roles, command.data.unitId);
      if (sameRoles(account.roles, command.data.roles) && account.unitId === command.data.unitId) return [];
      return [{ type: 'RolesChanged', data: command.data }];
    }
    case 'DisableUser':
      if (mustExist(state).status === 'disabled') return [];
      return [{ type: 'UserDisabled', data: command.data }];
    case 'EnableUser':
      if (mustExist(state).status === 'active') return [];
      return [{ type: 'UserEnabled', data: command.data }];
    case 'RevokeSessions':
      mustExist(state);
      return [{ type: 'SessionsRevoked', data: command.data }];
    default:
      return assertNever(command);
  }
}

/** The decider of an account (账号): what the command handler runs on its stream. */
export const accountDecider: Decider<AccountState, AccountCommand, AccountEvent> = {
  decide: decideAccount,
  evolve: evolveAccount,
  initialState: initialAccountState,
};
