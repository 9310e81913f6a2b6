import { Role } from '../../domain/index.js';
import { type AccountRow, accountsView, userRows } from '../../projections/accountsView.js';
import { builder } from './builder.js';
import { unitRow } from './args.js';
import { commandContext, commandIdArg, settled } from './mutations.js';
import { UnitRef } from './unit.js';
import type { Context } from '../context.js';
import type { CommandResult } from '../../application/index.js';
import { UnauthenticatedError, ValidationError } from '../../domain/index.js';

export const RoleEnum = builder.enumType('Role', {
  description:
    'What a user may do: office 督查办 (the ledger’s daily work), unit_head 责任单位负责人 (their unit’s items), ' +
    'verifier 验收 (other units’ items), committee 考核委员会 (assessment), admin (units, users, policies).',
  values: Role.options,
});

export const UserRef = builder.objectRef<AccountRow>('User').implement({
  description: 'An account (账号). Passwords are never shown.',
  fields: (t) => ({
    id: t.exposeID('userId', { description: 'Stable id of the account.' }),
    login: t.exposeString('login', { description: 'The login name.' }),
    displayName: t.exposeString('displayName', { description: '姓名, recorded with everything the user does.' }),
    roles: t.field({ type: [RoleEnum], description: 'The roles the user holds.', resolve: (u) => u.roles }),
    unit: t.field({
      type: UnitRef,
      nullable: true,
      description: 'The unit the user acts for (unit heads and verifiers).',
      resolve: (u, _a, ctx) => unitRow(ctx, u.unitId),
    }),
    disabled: t.boolean({ description: 'True when the account may not sign in.', resolve: (u) => u.status === 'disabled' }),
  }),
});

type Session = { token: string; expiresAt: string; user: AccountRow };
const SessionRef = builder.objectRef<Session>('Session').implement({
  description: 'A sign-in: send the token as the header `Authorization: Bearer <token>`.',
  fields: (t) => ({
    token: t.exposeString('token', { description: 'The signed token (JWT). Keep it secret.' }),
    expiresAt: t.exposeString('expiresAt', { description: 'When the token stops working (ISO-8601).' }),
    user: t.field({ type: UserRef, description: 'Who signed in.', resolve: (s) => s.user }),
  }),
});

const UserPayload = builder.objectRef<{ user: AccountRow; replayed: boolean }>('UserPayload').implement({
  description: 'The account after the command. (Its events are not returned: they carry the password hash.)',
  fields: (t) => ({
    user: t.field({ type: UserRef, description: 'The account as it now stands.', resolve: (p) => p.user }),
    replayed: t.exposeBoolean('replayed', { description: 'True when this commandId was handled before.' }),
  }),
});

/** Waits for the read model, then answers with the account as it now stands. */
async function userPayload(ctx: Context, userId: string, result: CommandResult<unknown>) {
  await settled(ctx, result);
  const user = ctx.services.runner.state(accountsView).users.get(userId);
  if (!user) throw new Error(`User ${userId} is not in the accounts view`);
  return { user, replayed: result.replayed };
}

function signedIn(ctx: Context): AccountRow {
  if (ctx.auth.kind !== 'signed_in') throw new UnauthenticatedError('UNAUTHENTICATED', 'Log in first.');
  return ctx.auth.user;
}

builder.queryField('me', (t) => t.field({ type: UserRef, description: 'The signed-in user.', resolve: (_r, _a, ctx) => signedIn(ctx) }));

builder.queryField('users', (t) =>
  t.field({
    type: [UserRef],
    description: 'Every account, in login order (admins).',
    resolve: (_r, _a, ctx) => userRows(ctx.services.runner.state(accountsView)),
  }),
);

builder.mutationField('login', (t) =>
  t.field({
    type: SessionRef,
    description:
      'Sign in with login and password; returns a token that expires. After repeated wrong passwords the account ' +
      '(and, after many, the address) is locked out for a while.',
    args: {
      login: t.arg.string({ required: true, description: 'The login name.' }),
      password: t.arg.string({ required: true, description: 'The password.' }),
    },
    resolve: async (_r, args, ctx) => {
      await ctx.limits.checkLogin(args.login, ctx.clientIp);
      const account = args.password.length <= 200 ? await ctx.services.accounts.checkPassword(args.login, args.password) : null;
      if (!account) {
        await ctx.limits.loginFailed(args.login, ctx.clientIp);
        throw new UnauthenticatedError('INVALID_CREDENTIALS', 'Wrong login or password.');
      }
      if (account.status === 'disabled') throw new UnauthenticatedError('USER_DISABLED', 'This account is disabled; ask an admin.');
      await ctx.limits.clearAccount(args.login);
      const { token, expiresAt } = await ctx.tokens.issue(account.userId, account.tokenVersion);
      return { token, expiresAt, user: account };
    },
  }),
);

builder.mutationField('logout', (t) =>
  t.boolean({
    description: 'Sign out: every token you hold stops working (on every device).',
    resolve: async (_r, _a, ctx) => {
      const user = signedIn(ctx);
      await settled(ctx, await ctx.services.accounts.revokeSessions(user.userId, commandContext(ctx, null)));
      return true;
    },
  }),
);

builder.mutationField('changePassword', (t) =>
  t.field({
    type: UserPayload,
    description: 'Change your own password. Every token you hold stops working; log in again.',
    args: {
      currentPassword: t.arg.string({ required: true, description: 'Your password now.' }),
      newPassword: t.arg.string({ required: true, description: 'At least 10 characters.' }),
    },
    resolve: async (_r, args, ctx) => {
      const user = signedIn(ctx);
      // A stolen token must not become a way to guess the password: same limits as logging in.
      await ctx.limits.checkLogin(user.login, ctx.clientIp);
      if (!(await ctx.services.accounts.checkPassword(user.login, args.currentPassword))) {
        await ctx.limits.loginFailed(user.login, ctx.clientIp);
        throw new ValidationError('WRONG_CURRENT_PASSWORD', 'The current password is wrong.', { field: 'currentPassword' });
      }
      return userPayload(
        ctx,
        user.userId,
        await ctx.services.accounts.setPassword(user.userId, args.newPassword, 'self', commandContext(ctx, null)),
      );
    },
  }),
);

builder.mutationField('registerUser', (t) =>
  t.field({
    type: UserPayload,
    description: 'Create an account (admins). Unit heads and verifiers need a unit.',
    args: {
      login: t.arg.string({ required: true, description: '3 to 32 lower-case letters, digits, dots, dashes or underscores.' }),
      displayName: t.arg.string({ required: true, description: '姓名' }),
      roles: t.arg({ type: [RoleEnum], required: true, description: 'One or more roles.' }),
      unitId: t.arg.id({ required: false, description: 'The unit the user acts for.' }),
      password: t.arg.string({ required: true, description: 'The first password, at least 10 characters.' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: async (_r, args, ctx) => {
      const context = commandContext(ctx, args.commandId as string | undefined);
      const result = await ctx.services.accounts.register(
        {
          login: args.login,
          displayName: args.displayName,
          roles: args.roles,
          unitId: args.unitId ? String(args.unitId) : null,
          password: args.password,
        },
        context,
      );
      return userPayload(ctx, ctx.services.accounts.userIdFor(args.login), result);
    },
  }),
);

const userIdArg = (t: { arg: { id: (o: { required: true; description: string }) => unknown } }) =>
  t.arg.id({ required: true, description: 'The account.' });

builder.mutationField('resetPassword', (t) =>
  t.field({
    type: UserPayload,
    description: 'Set a new password for a user (admins); their tokens stop working and a lock-out is lifted.',
    args: {
      userId: userIdArg(t) as never,
      password: t.arg.string({ required: true, description: 'The new password, at least 10 characters.' }),
    },
    resolve: async (_r, args, ctx) => {
      const userId = String(args.userId);
      const result = await ctx.services.accounts.setPassword(userId, args.password, 'admin', commandContext(ctx, null));
      const payload = await userPayload(ctx, userId, result);
      await ctx.limits.clearAccount(payload.user.login);
      return payload;
    },
  }),
);

builder.mutationField('changeRoles', (t) =>
  t.field({
    type: UserPayload,
    description: 'Change a user’s roles and unit (admins). Takes effect at their next request.',
    args: {
      userId: userIdArg(t) as never,
      roles: t.arg({ type: [RoleEnum], required: true, description: 'The roles the user will hold.' }),
      unitId: t.arg.id({ required: false, description: 'The unit the user acts for.' }),
    },
    resolve: async (_r, args, ctx) => {
      const userId = String(args.userId);
      const result = await ctx.services.accounts.changeRoles(
        userId,
        args.roles,
        args.unitId ? String(args.unitId) : null,
        commandContext(ctx, null),
      );
      return userPayload(ctx, userId, result);
    },
  }),
);

builder.mutationField('disableUser', (t) =>
  t.field({
    type: UserPayload,
    description: 'Stop a user from signing in (admins); their tokens stop working at once.',
    args: {
      userId: userIdArg(t) as never,
      reason: t.arg.string({ required: true, description: 'Why (kept in the audit trail).' }),
    },
    resolve: async (_r, args, ctx) => {
      const userId = String(args.userId);
      if (ctx.actor?.userId === userId) throw new ValidationError('CANNOT_DISABLE_SELF', 'You cannot disable your own account.');
      return userPayload(ctx, userId, await ctx.services.accounts.disable(userId, args.reason, commandContext(ctx, null)));
    },
  }),
);

builder.mutationField('enableUser', (t) =>
  t.field({
    type: UserPayload,
    description: 'Let a disabled user sign in again (admins).',
    args: { userId: userIdArg(t) as never },
    resolve: async (_r, args, ctx) => {
      const userId = String(args.userId);
      return userPayload(ctx, userId, await ctx.services.accounts.enable(userId, commandContext(ctx, null)));
    },
  }),
);
