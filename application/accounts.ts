import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';
import {
  AccountCommand as AccountCommandSchema,
  type AccountState,
  Login,
  NotFoundError,
  type Role,
  accountStreamId,
  accountDecider,
} from '../domain/index.js';
import { type CommandContext, type CommandResult, commandFingerprint, handleCommand, foldStream } from '../eventstore/commandHandler.js';
import type { EventStore } from '../eventstore/port.js';
import type { Ledger } from './ledger.js';
import { parseOrThrow } from './validation.js';
import { checkPasswordPolicy, hashForUnknownLogin, hashPassword, verifyPassword } from './passwords.js';

const USER_NAMESPACE = '9d4a6c1e-7b1f-4f0e-a3c2-5e8d2b6f0a17';

/** A sign-in's user id: fixed by its login, so a retried registration finds the same stream. */
export const userIdForLogin = (login: string): string => uuidv5(`user/${parseLogin(login)}`, USER_NAMESPACE);

/** A login as stored (lower case), or a VALIDATION_FAILED error that names the field. */
function parseLogin(login: string): string {
  return parseOrThrow(z.object({ login: Login }), { login }).login;
}

export type NewUser = { login: string; displayName: string; roles: Role[]; unitId?: string | null; password: string };
export type Account = Exclude<AccountState, { status: 'unregistered' }>;

/**
 * The accounts' application service: hashes passwords (the domain never sees one), checks the
 * unit exists, and runs the account commands through the one command handler. The GraphQL API,
 * the admin scripts (scripts/) and the tests all go through it.
 */
export class Accounts {
  constructor(
    private readonly store: EventStore,
    private readonly ledger: Ledger,
  ) {}

  /** A user's id follows from the login, so the login is unique by construction (one stream each). */
  userIdFor(login: string): string {
    return userIdForLogin(login);
  }

  async load(userId: string): Promise<AccountState> {
    const events = await this.store.readStream(accountStreamId(userId));
    return foldStream(accountDecider, events);
  }

  async loadByLogin(login: string): Promise<AccountState> {
    const parsed = Login.safeParse(login);
    return parsed.success ? this.load(this.userIdFor(parsed.data)) : accountDecider.initialState;
  }

  /**
   * A password's hash is salted afresh on every call, so a command carrying one is told apart from
   * another by the rest of its data (`withoutHash`): a retry still matches the first call.
   */
  private async command(input: unknown, context: CommandContext): Promise<CommandResult<AccountState>> {
    const command = parseOrThrow(AccountCommandSchema, input);
    if ((command.type === 'RegisterUser' || command.type === 'ChangeRoles') && command.data.unitId)
      await this.unitExists(command.data.unitId);
    const { passwordHash: _salted, ...withoutHash } = command.data as { passwordHash?: string };
    const fingerprint = commandFingerprint(context.actor.userId, command.type, withoutHash);
    return handleCommand(this.store, accountStreamId(command.data.userId), accountDecider, command, context, { fingerprint });
  }

  private async unitExists(unitId: string): Promise<void> {
    const unit = await this.ledger.loadUnit(unitId);
    if (unit.status === 'unregistered')
      throw new NotFoundError('UNIT_NOT_FOUND', `There is no unit with id ${unitId} (unitId).`, { field: 'unitId' });
  }

  async register(user: NewUser, context: CommandContext): Promise<CommandResult<AccountState>> {
    checkPasswordPolicy(user.password);
    const login = parseLogin(user.login);
    return this.command(
      {
        type: 'RegisterUser',
        data: {
          userId: this.userIdFor(login),
          login,
          displayName: user.displayName,
          roles: user.roles,
          unitId: user.unitId ?? null,
          passwordHash: await hashPassword(user.password),
        },
      },
      context,
    );
  }

  async setPassword(userId: string, password: string, by: 'self' | 'admin', context: CommandContext) {
    checkPasswordPolicy(password, by === 'self' ? 'newPassword' : 'password');
    return this.command({ type: 'ChangePassword', data: { userId, passwordHash: await hashPassword(password), by } }, context);
  }

  changeRoles(userId: string, roles: Role[], unitId: string | null, context: CommandContext) {
    return this.command({ type: 'ChangeRoles', data: { userId, roles, unitId } }, context);
  }

  disable(userId: string, reason: string, context: CommandContext) {
    return this.command({ type: 'DisableUser', data: { userId, reason } }, context);
  }

  enable(userId: string, context: CommandContext) {
    return this.command({ type: 'EnableUser', data: { userId } }, context);
  }

  /** Logout: every token the user holds stops working. */
  revokeSessions(userId: string, context: CommandContext) {
    return this.command({ type: 'RevokeSessions', data: { userId } }, context);
  }

  /**
   * The account when the password is right and the account may sign in, else null. An unknown
   * login costs the same hash as a known one, so timing does not tell which logins exist.
   */
  async checkPassword(login: string, password: string): Promise<Account | null> {
    const account = await this.loadByLogin(login);
    if (account.status === 'unregistered') {
      await verifyPassword(password, await hashForUnknownLogin());
      return null;
    }
    return (await verifyPassword(password, account.passwordHash)) ? account : null;
  }
}
