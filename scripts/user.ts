/**
 * Account administration from the command line (the first admin on a fresh install, or when no
 * admin can sign in). Works on the configured store (same environment variables as the server),
 * also while the server runs.
 *
 *   npm run user:add -- --login admin --name "系统管理员" --roles admin [--unit <unit id or name>] [--password …]
 *   npm run user:reset-password -- --login zhang [--password …]
 *   npm run user:disable -- --login zhang --reason "调离"
 *
 * Without --password a strong random password is generated and printed once.
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { Role, TaizhangError, domainEventDefinitions } from '../domain/index.js';
import { openEventStore } from '../eventstore/index.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { ledgerView } from '../projections/ledgerView.js';
import { configFromEnv } from '../application/config.js';
import { createApplication } from '../application/index.js';
import type { CommandContext } from '../eventstore/commandHandler.js';

const [command, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: {
    login: { type: 'string' },
    name: { type: 'string' },
    roles: { type: 'string' },
    unit: { type: 'string' },
    password: { type: 'string' },
    reason: { type: 'string' },
  },
});

function need(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') fail(`--${name} is required`);
  return value;
}

function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(2);
}

const config = configFromEnv();
const store = await openEventStore(config.store, schemaCodec(domainEventDefinitions));
// The application as the server builds it, without the checkpoint follower: the server records those; nor does it send
// notifications outward (the server does, with the key that opens the channels' secrets).
const app = await createApplication(store, { checkpoints: false, notifications: { dispatch: false } }).catch(async (error: unknown) => {
  await store.close();
  throw error;
});
const { accounts } = app;
const context = (): CommandContext => ({
  actor: { userId: 'cli', name: `admin script (${userInfo().username})`, unitId: null, role: 'admin' },
  commandId: randomBytes(16).toString('hex'),
  now: () => new Date().toISOString(),
});
const generated = () => randomBytes(12).toString('base64url');

function unitIdOf(nameOrId: string): string {
  const units = [...app.runner.state(ledgerView).units.values()];
  const found = units.filter((u) => u.unitId === nameOrId || u.name === nameOrId);
  if (found.length !== 1)
    fail(found.length === 0 ? `no unit is named or has the id ${nameOrId}` : `${found.length} units are named ${nameOrId}; give its id`);
  return found[0]!.unitId;
}

async function existing(login: string) {
  const account = await accounts.loadByLogin(login);
  if (account.status === 'unregistered') fail(`there is no user ${login}`);
  return account;
}

try {
  switch (command) {
    case 'add': {
      const roles = need('roles')
        .split(',')
        .map((r) => Role.safeParse(r.trim()));
      const bad = roles.find((r) => !r.success);
      if (bad) fail(`--roles takes a comma-separated list of ${Role.options.join(', ')}`);
      const password = values.password ?? generated();
      const login = need('login');
      await accounts.register(
        {
          login,
          displayName: values.name ?? login,
          roles: roles.map((r) => r.data!),
          unitId: values.unit ? unitIdOf(values.unit) : null,
          password,
        },
        context(),
      );
      console.log(`User ${login} added.${values.password ? '' : ` Password: ${password}`}`);
      break;
    }
    case 'reset-password': {
      const account = await existing(need('login'));
      const password = values.password ?? generated();
      await accounts.setPassword(account.userId, password, 'admin', context());
      console.log(`Password of ${account.login} reset; their sessions are ended.${values.password ? '' : ` New password: ${password}`}`);
      break;
    }
    case 'disable': {
      const account = await existing(need('login'));
      await accounts.disable(account.userId, values.reason ?? 'disabled from the command line', context());
      console.log(`User ${account.login} disabled; their sessions are ended.`);
      break;
    }
    default:
      fail('usage: user.ts add | reset-password | disable  (see docs/api.md, "Accounts and roles")');
  }
} catch (error) {
  if (error instanceof TaizhangError) fail(`${error.message} (${error.code})`);
  throw error;
} finally {
  await app.close();
}
