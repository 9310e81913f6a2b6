import { type Role, accountStreamId } from '../../domain/index.js';
import type { CommandContext } from '../../eventstore/commandHandler.js';
import type { EventStore } from '../../eventstore/port.js';
import { type Accounts, userIdForLogin } from '../accounts.js';
import type { Ledger } from '../ledger.js';

/**
 * Sign-ins for the demo county, one per role, created only with the demo data. Their units are
 * the demo's (api/demo.ts): ids follow from the demo's stable unit keys through `unitIdFor`.
 * The passwords are public by design; never load demo data on a real install.
 */
export const demoUsers: readonly { login: string; password: string; displayName: string; roles: Role[]; unitKey: string | null }[] = [
  { login: 'office', password: 'office-demo-2019', displayName: '县督查办 陈督查', roles: ['office'], unitKey: 'demo/department/县督查办' },
  { login: 'committee', password: 'committee-demo-2019', displayName: '考核委员会 周委员', roles: ['committee'], unitKey: null },
  { login: 'admin', password: 'admin-demo-2019', displayName: '系统管理员', roles: ['admin'], unitKey: null },
  {
    login: 'verifier',
    password: 'verifier-demo-2019',
    displayName: '县扶贫局 验收员 吴',
    roles: ['verifier'],
    unitKey: 'demo/department/县扶贫局',
  },
  {
    login: 'mozitan',
    password: 'mozitan-demo-2019',
    displayName: '磨子潭镇 负责人 储',
    roles: ['unit_head'],
    unitKey: 'demo/township/磨子潭镇',
  },
  {
    login: 'foziling',
    password: 'foziling-demo-2019',
    displayName: '佛子岭镇 负责人 程',
    roles: ['unit_head'],
    unitKey: 'demo/township/佛子岭镇',
  },
  {
    login: 'manshuihe',
    password: 'manshuihe-demo-2019',
    displayName: '漫水河镇 负责人 汪',
    roles: ['unit_head'],
    unitKey: 'demo/township/漫水河镇',
  },
];

const DEMO_ACTOR = { userId: 'demo', name: '演示数据', unitId: null, role: 'admin' };

/** Creates the demo sign-ins (again-safe: each has a fixed command id). */
export async function loadDemoUsers(accounts: Accounts, ledger: Ledger, now: () => string): Promise<void> {
  // In parallel: each is its own stream, and the password hashes run on libuv's thread pool.
  await Promise.all(
    demoUsers.map((user) => {
      const context: CommandContext = { actor: DEMO_ACTOR, commandId: `demo-user/${user.login}`, now };
      const unitId = user.unitKey ? ledger.unitIdFor(user.unitKey) : null;
      return accounts.register(
        { login: user.login, displayName: user.displayName, roles: user.roles, unitId, password: user.password },
        context,
      );
    }),
  );
}

/** The command id of the demo's first command (application/demo/index.ts plans it first): the log's first event. */
export const DEMO_FIRST_COMMAND_ID = 'demo-calendar';

/** Whether the log begins with the demo's first command: the demo was (or began to be) loaded into this store. */
export async function demoBegun(store: EventStore): Promise<boolean> {
  const [first] = await store.readAll({ after: -1, maxCount: 1 });
  return first?.metadata.commandId === DEMO_FIRST_COMMAND_ID;
}

/**
 * Whether a first start's load of the demo county was cut short (stopped or killed while it loaded): the log begins with
 * the demo's first command, and a demo sign-in (they come last) is not in it. `loadDemoData` with `resume` goes on with it.
 */
export async function demoCutShort(store: EventStore): Promise<boolean> {
  if (!(await demoBegun(store))) return false;
  for (const user of demoUsers) {
    const [registered] = await store.readStream(accountStreamId(userIdForLogin(user.login)), { maxCount: 1 });
    if (registered === undefined) return true;
  }
  return false;
}

/** True when the demo created the sign-ins in this store (not when a real user happens to be called "office"). */
export async function demoUsersPresent(store: EventStore, accounts: Accounts): Promise<boolean> {
  const [first] = await store.readStream(accountStreamId(accounts.userIdFor(demoUsers[0]!.login)), { maxCount: 1 });
  return first?.metadata.actor.userId === DEMO_ACTOR.userId;
}

/** The lines the server prints at start when demo data is on. */
export function demoUsersBanner(): string {
  const width = Math.max(...demoUsers.map((u) => u.login.length));
  return [
    'Demo sign-ins (demo data only — these passwords are public):',
    ...demoUsers.map((u) => `  ${u.login.padEnd(width)}  ${u.password.padEnd(22)} ${u.roles.join(', ')} · ${u.displayName}`),
  ].join('\n');
}
