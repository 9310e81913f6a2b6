import { describe, expect, it } from 'vitest';
import {
  AccountEvent,
  type AccountCommand,
  type AccountEvent as AccountEventType,
  RegisterUser,
  decideAccount,
  evolveAccount,
  initialAccountState,
} from '../../domain/index.js';
import { deciderSpec } from '../support/givenWhenThen.js';

const { given } = deciderSpec({
  initialState: initialAccountState,
  evolve: evolveAccount,
  decide: decideAccount,
  eventSchema: AccountEvent,
});

const USER = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const TOWNSHIP = '8d2e3f4a-5b6c-4d7e-9f8a-0b1c2d3e4f5a';
const HASH = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA';
const NEW_HASH = 'scrypt$16384$8$1$bmV3c2FsdG5ld3NhbHQ$bmV3aGFzaG5ld2hhc2g';
const NOW = '2019-03-01T09:00:00+08:00';

const register = (roles: string[], unitId: string | null): AccountCommand =>
  RegisterUser.schema.parse({
    type: 'RegisterUser',
    data: { userId: USER, login: 'Chu.Head', displayName: '储镇长', roles, unitId, passwordHash: HASH },
  });
const registered: AccountEventType = {
  type: 'UserRegistered',
  data: {
    userId: USER,
    login: 'chu.head',
    displayName: '储镇长',
    roles: ['unit_head'],
    unitId: TOWNSHIP,
    passwordHash: HASH,
    registeredOn: '2019-03-01',
  },
};
const command = (type: string, data: Record<string, unknown> = {}) => ({ type, data: { userId: USER, ...data } }) as AccountCommand;

describe('accounts (账号)', () => {
  it('a user is registered with a lower-cased login, their roles and unit', () => {
    given([])
      .when(register(['unit_head'], TOWNSHIP), NOW)
      .then([registered]);
  });

  it('a login already taken is refused', () => {
    given([registered])
      .when(register(['office'], null), NOW)
      .thenError('LOGIN_TAKEN');
  });

  it('a unit head or verifier needs a unit; the office does not', () => {
    given([])
      .when(register(['unit_head'], null), NOW)
      .thenError('UNIT_REQUIRED');
    given([])
      .when(register(['verifier'], null), NOW)
      .thenError('UNIT_REQUIRED');
    given([])
      .when(register(['office'], null), NOW)
      .then([{ ...registered, data: { ...registered.data, roles: ['office'], unitId: null } } as AccountEventType]);
  });

  it('a login with spaces or symbols, no role, or a repeated role fails its schema', () => {
    const data = { userId: USER, displayName: '储', unitId: null, passwordHash: HASH };
    expect(RegisterUser.schema.safeParse({ type: 'RegisterUser', data: { ...data, login: 'chu head', roles: ['office'] } }).success).toBe(
      false,
    );
    expect(RegisterUser.schema.safeParse({ type: 'RegisterUser', data: { ...data, login: 'chu', roles: [] } }).success).toBe(false);
    expect(
      RegisterUser.schema.safeParse({ type: 'RegisterUser', data: { ...data, login: 'chu', roles: ['office', 'office'] } }).success,
    ).toBe(false);
  });

  it('a password change, a logout and disabling each move the token version on; roles do not', () => {
    const state = given([registered])
      .when(command('ChangePassword', { passwordHash: NEW_HASH, by: 'self' }), NOW)
      .then([{ type: 'PasswordChanged', data: { userId: USER, passwordHash: NEW_HASH, by: 'self' } }]);
    expect(state).toMatchObject({ status: 'active', tokenVersion: 1, passwordHash: NEW_HASH });
    const loggedOut = given([registered])
      .when(command('RevokeSessions'), NOW)
      .then([{ type: 'SessionsRevoked', data: { userId: USER } }]);
    expect(loggedOut).toMatchObject({ tokenVersion: 1 });
    const disabled = given([registered])
      .when(command('DisableUser', { reason: '调离' }), NOW)
      .then([{ type: 'UserDisabled', data: { userId: USER, reason: '调离' } }]);
    expect(disabled).toMatchObject({ status: 'disabled', tokenVersion: 1 });
    const promoted = given([registered])
      .when(command('ChangeRoles', { roles: ['unit_head', 'verifier'], unitId: TOWNSHIP }), NOW)
      .then([{ type: 'RolesChanged', data: { userId: USER, roles: ['unit_head', 'verifier'], unitId: TOWNSHIP } }]);
    expect(promoted).toMatchObject({ roles: ['unit_head', 'verifier'], tokenVersion: 0 });
  });

  it('disabling a disabled user, enabling an active one, or setting the same roles does nothing', () => {
    const disabled: AccountEventType = { type: 'UserDisabled', data: { userId: USER, reason: '调离' } };
    given([registered, disabled])
      .when(command('DisableUser', { reason: '再次' }), NOW)
      .thenNothing();
    given([registered]).when(command('EnableUser'), NOW).thenNothing();
    given([registered])
      .when(command('ChangeRoles', { roles: ['unit_head'], unitId: TOWNSHIP }), NOW)
      .thenNothing();
  });

  it('a role that needs a unit cannot lose it', () => {
    given([registered])
      .when(command('ChangeRoles', { roles: ['unit_head'], unitId: null }), NOW)
      .thenError('UNIT_REQUIRED');
  });

  it('commands on a user that does not exist are refused', () => {
    given([]).when(command('RevokeSessions'), NOW).thenError('USER_NOT_FOUND');
    given([])
      .when(command('ChangePassword', { passwordHash: NEW_HASH, by: 'admin' }), NOW)
      .thenError('USER_NOT_FOUND');
  });
});
