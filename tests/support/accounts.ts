import type { Role } from '../../domain/index.js';
import type { App } from '../../api/server.js';
import type { TestServer } from './httpServer.js';

/** The one password every test user gets (long enough for the password policy). */
export const TEST_PASSWORD = 'test-password-1';

const testActor = { userId: 'test-setup', name: '测试准备', unitId: null, role: 'admin' };
let counter = 0;

/**
 * Creates a user directly through the accounts service (the same commands the admin script and the
 * registerUser mutation use), bypassing HTTP and authorization: test setup, not the thing tested.
 */
export async function addUser(
  app: App,
  user: { roles: Role[]; unitId?: string | null; login?: string; displayName?: string; password?: string },
): Promise<{ userId: string; login: string; password: string }> {
  const login = user.login ?? `${user.roles[0]!.replace(/_/g, '')}-${process.pid}-${++counter}`;
  const password = user.password ?? TEST_PASSWORD;
  await app.accounts.register(
    { login, displayName: user.displayName ?? login, roles: user.roles, unitId: user.unitId ?? null, password },
    { actor: testActor, commandId: `test-user/${login}`, now: () => new Date().toISOString() },
  );
  await app.runner.waitFor(await app.store.headPosition());
  return { userId: app.accounts.userIdFor(login), login, password };
}

/** Logs in over HTTP, as a client does; returns the token. */
export async function logIn(server: TestServer, login: string, password = TEST_PASSWORD): Promise<string> {
  const response = await server.gql<{ login: { token: string } }>(
    `mutation($l: String!, $p: String!) { login(login: $l, password: $p) { token } }`,
    { l: login, p: password },
  );
  if (!response.data?.login) throw new Error(`login ${login} failed: ${JSON.stringify(response.errors)}`);
  return response.data.login.token;
}

/** A new user with these roles (and unit), logged in: its token. */
export async function tokenFor(server: TestServer, roles: Role[], unitId: string | null = null): Promise<string> {
  const user = await addUser(server, { roles, unitId });
  return logIn(server, user.login, user.password);
}

/** The header that carries a token. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** Registers a unit directly through the ledger (test setup); returns its id. */
export async function addUnit(
  app: App,
  name: string,
  kind: 'county' | 'township' | 'village' | 'department' = 'township',
  key = `test-unit/${name}/${++counter}`,
) {
  const unitId = app.ledger.unitIdFor(key);
  await app.ledger.unitCommand(
    { type: 'RegisterUnit', data: { unitId, name, kind, parentUnitId: null } },
    { actor: testActor, commandId: key, now: () => '2019-01-01T09:00:00+08:00' },
  );
  await app.runner.waitFor(await app.store.headPosition());
  return unitId;
}
