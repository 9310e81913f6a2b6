import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export type ServerProcess = { child: ChildProcess; url: string; output: () => string };

/**
 * What `npm start` runs, read from package.json's `start` script (`node …` commands joined by `&&`):
 * `build()` runs every command but the last (the server's build: `scripts/buildServer.mjs`), `args`
 * are the last one's node arguments (its flags and the built server). Whoever spawns the server as
 * shipped (a test, bench/startup.ts) builds once, then spawns `args`, and stays in step with the script.
 */
export function npmStart(): { build: () => void; args: string[] } {
  const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const commands = scripts.start!.split('&&').map((command) => command.trim().split(/\s+/));
  for (const [program] of commands)
    if (program !== 'node') throw new Error(`npm start runs ${program}: only node commands are understood here`);
  return {
    build: () => {
      for (const command of commands.slice(0, -1)) execFileSync(process.execPath, command.slice(1), { stdio: 'ignore' });
    },
    args: commands.at(-1)!.slice(1),
  };
}

/**
 * Starts `api/main.ts` as its own process and resolves once it prints its URL: from the source through
 * tsx (`npm run dev`), or, with `asNpmStart`, built and run as `npm start` does (`npmStart()`).
 * `nodeArgs` go to node before the script (a bench's `--cpu-prof`); `spawned` is handed the process at once (to stop it
 * before it is up).
 */
export function spawnServer(
  env: Record<string, string>,
  timeoutMs = 60_000,
  nodeArgs: string[] = [],
  { asNpmStart = false, spawned }: { asNpmStart?: boolean; spawned?: (child: ChildProcess) => void } = {},
): Promise<ServerProcess> {
  let args = [...nodeArgs, '--import', 'tsx', 'api/main.ts'];
  if (asNpmStart) {
    const start = npmStart();
    start.build();
    args = [...nodeArgs, ...start.args];
  }
  const child = spawn(process.execPath, args, {
    // Request lines (LOG_LEVEL=info) would pile up in `output`: warnings and errors only, unless the caller says otherwise.
    env: { ...process.env, PORT: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned?.(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /GraphQL console: (http:\/\/\S+)\/graphql/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

export async function stopServer(server: ServerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill(signal);
  await exited;
}

/** A port nothing listens on now: for a server told its port, asked before it prints its URL (or a PostgreSQL of the tests'). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
