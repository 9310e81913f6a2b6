import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { Accounts } from '../application/accounts.js';
import { Ledger } from '../application/ledger.js';
import { verifyPassword } from '../application/passwords.js';
import { domainEventDefinitions } from '../domain/index.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { openEventStore } from '../eventstore/index.js';

/** The admin scripts on a fresh install: `npm run user:add | user:reset-password | user:disable`. */
const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-users-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const script = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/user.ts', ...args], {
    env: { ...process.env, DATA_DIR: dataDir, EVENT_STORE: 'sqlite' },
    encoding: 'utf8',
  });

async function withStore<T>(work: (accounts: Accounts, ledger: Ledger) => Promise<T>): Promise<T> {
  const store = await openEventStore({ kind: 'sqlite', dataDir }, schemaCodec(domainEventDefinitions));
  try {
    const ledger = new Ledger(store);
    return await work(new Accounts(store, ledger), ledger);
  } finally {
    await store.close();
  }
}

describe('the account scripts', () => {
  it('add the first admin with a generated password, printed once', async () => {
    const { stdout } = await script('add', '--login', 'admin', '--name', '系统管理员', '--roles', 'admin');
    const password = /Password: (\S+)/.exec(stdout)![1]!;
    expect(password.length).toBeGreaterThanOrEqual(16);
    await withStore(async (accounts) => {
      const account = await accounts.loadByLogin('admin');
      expect(account).toMatchObject({ status: 'active', displayName: '系统管理员', roles: ['admin'], unitId: null });
      expect(await accounts.checkPassword('admin', password)).not.toBeNull();
    });
  }, 60_000);

  it('add a unit head for a unit named by its name', async () => {
    const unitId = await withStore(async (_accounts, ledger) => {
      const id = ledger.unitIdFor('script-test/磨子潭镇');
      await ledger.unitCommand(
        { type: 'RegisterUnit', data: { unitId: id, name: '磨子潭镇', kind: 'township', parentUnitId: null } },
        {
          actor: { userId: 't', name: 't', unitId: null, role: 'admin' },
          commandId: 'script-test/磨子潭镇',
          now: () => '2019-01-02T09:00:00+08:00',
        },
      );
      return id;
    });
    await script('add', '--login', 'chu', '--roles', 'unit_head', '--unit', '磨子潭镇', '--password', 'chu-first-password');
    await withStore(async (accounts) => expect(await accounts.loadByLogin('chu')).toMatchObject({ roles: ['unit_head'], unitId }));
  }, 60_000);

  it('refuse what the accounts refuse, with the reason and a non-zero exit', async () => {
    await expect(script('add', '--login', 'admin', '--roles', 'admin')).rejects.toMatchObject({
      code: 2,
      stderr: 'error: The login admin is already taken. (LOGIN_TAKEN)\n',
    });
    await expect(script('add', '--login', 'wuyan', '--roles', 'verifier')).rejects.toMatchObject({
      code: 2,
      stderr: "error: The role verifier acts for a unit: name the user's unit. (UNIT_REQUIRED)\n",
    });
    await expect(script('add', '--login', 'wu', '--roles', 'office')).rejects.toMatchObject({
      code: 2,
      stderr: 'error: login must be 3 to 32 lower-case letters, digits, dots, dashes or underscores (VALIDATION_FAILED)\n',
    });
    await expect(script('add', '--login', 'wuyan', '--roles', 'boss')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--roles takes'),
    });
  }, 60_000);

  it('reset a password (ending the sessions) and disable a user', async () => {
    const { stdout } = await script('reset-password', '--login', 'chu', '--password', 'chu-second-password');
    expect(stdout).toBe('Password of chu reset; their sessions are ended.\n');
    await script('disable', '--login', 'chu', '--reason', '调离');
    await withStore(async (accounts) => {
      const account = await accounts.loadByLogin('chu');
      expect(account).toMatchObject({ status: 'disabled', tokenVersion: 2 });
      if (account.status === 'unregistered') throw new Error('unreachable');
      expect(await verifyPassword('chu-second-password', account.passwordHash)).toBe(true);
    });
  }, 60_000);

  it('keep the token secret beside the store, readable by its owner only', async () => {
    const { startServer } = await import('../api/server.js');
    const { configFromEnv } = await import('../application/config.js');
    const server = await startServer(configFromEnv({ DATA_DIR: dataDir, PORT: '0', DEMO_DATA: 'off' }));
    await server.close();
    expect(statSync(join(dataDir, 'token-secret')).mode & 0o777).toBe(0o600);
  }, 60_000);
});
