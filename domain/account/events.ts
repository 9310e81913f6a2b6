import { z } from 'zod';
import { CalendarDay } from '../shared/calendar.js';
import { assertNever } from '../shared/errors.js';
import { Id, Name, Text, message } from '../shared/messages.js';

/**
 * Accounts (账号): who may sign in to the ledger, in which roles, for which unit. Each account is
 * its own event stream, named after its login, so two accounts cannot share a login.
 */
export const Role = z.enum([
  'office', // 督查办: raises, assigns, sets deadlines, orders supervision, closes (销号), triages the hotline
  'unit_head', // 责任单位负责人: acknowledges, plans, reports progress and rectification for their own unit
  'verifier', // 验收: passes or rejects a rectification, never for their own unit
  'committee', // 考核委员会: scorecards, exemptions, finalizing a year
  'admin', // 系统管理员: units, users, policies
]);
export type Role = z.infer<typeof Role>;

/** Roles that act for one unit and so need one. */
export const rolesNeedingUnit: readonly Role[] = ['unit_head', 'verifier'];

/** A login: lower-case letters, digits, dot, dash or underscore; 3 to 32 characters. */
export const Login = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9._-]{3,32}$/, 'must be 3 to 32 lower-case letters, digits, dots, dashes or underscores');

/** A password hash as the application computed it (the domain never sees a password). */
export const PasswordHash = z.string().min(20).max(500);

export const Roles = z
  .array(Role)
  .min(1, 'must name at least one role')
  .refine((roles) => new Set(roles).size === roles.length, 'must not repeat a role');

export const UserRegistered = message(
  'UserRegistered',
  1,
  z.object({
    userId: Id,
    login: Login,
    /** 姓名: shown beside everything the user does. */
    displayName: Name(50),
    roles: Roles,
    /** The unit the user acts for (a unit head's or verifier's unit); none for county-wide roles. */
    unitId: Id.nullable(),
    passwordHash: PasswordHash,
    registeredOn: CalendarDay,
  }),
);
/** A new password, set by the user or reset by an admin. Every token issued before is revoked. */
export const PasswordChanged = message(
  'PasswordChanged',
  1,
  z.object({ userId: Id, passwordHash: PasswordHash, by: z.enum(['self', 'admin']) }),
);
export const RolesChanged = message('RolesChanged', 1, z.object({ userId: Id, roles: Roles, unitId: Id.nullable() }));
/** The account may no longer sign in; its tokens are revoked. */
export const UserDisabled = message('UserDisabled', 1, z.object({ userId: Id, reason: Text(500) }));
export const UserEnabled = message('UserEnabled', 1, z.object({ userId: Id }));
/** Logout: every token issued to the user so far is revoked. */
export const SessionsRevoked = message('SessionsRevoked', 1, z.object({ userId: Id }));

export const AccountEvent = z.discriminatedUnion('type', [
  UserRegistered.schema,
  PasswordChanged.schema,
  RolesChanged.schema,
  UserDisabled.schema,
  UserEnabled.schema,
  SessionsRevoked.schema,
]);
export type AccountEvent = z.infer<typeof AccountEvent>;
export const accountEventDefinitions = [UserRegistered, PasswordChanged, RolesChanged, UserDisabled, UserEnabled, SessionsRevoked] as const;

export type Account = {
  userId: string;
  login: string;
  displayName: string;
  roles: Role[];
  unitId: string | null;
  passwordHash: string;
  /**
   * Bumped by every event that revokes tokens (password change, logout, disabling). A token names
   * the version it was issued at and is accepted only while the account is still at it.
   */
  tokenVersion: number;
};
export type AccountState = { status: 'unregistered' } | ({ status: 'active' } & Account) | ({ status: 'disabled' } & Account);

export const initialAccountState: AccountState = { status: 'unregistered' };

export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  if (event.type === 'UserRegistered') {
    const { userId, login, displayName, roles, unitId, passwordHash } = event.data;
    return { status: 'active', userId, login, displayName, roles, unitId, passwordHash, tokenVersion: 0 };
  }
  if (state.status === 'unregistered') return state;
  switch (event.type) {
    case 'PasswordChanged':
      return { ...state, passwordHash: event.data.passwordHash, tokenVersion: state.tokenVersion + 1 };
    case 'RolesChanged':
      return { ...state, roles: event.data.roles, unitId: event.data.unitId };
    case 'UserDisabled':
      return { ...state, status: 'disabled', tokenVersion: state.tokenVersion + 1 };
    case 'UserEnabled':
      return { ...state, status: 'active' };
    case 'SessionsRevoked':
      return { ...state, tokenVersion: state.tokenVersion + 1 };
    default:
      return assertNever(event);
  }
}

export const accountStreamId = (userId: string) => `user-${userId}`;
