import { execFile } from 'node:child_process';

/**
 * Where the KurrentDB integration tests find a server: the one KURRENTDB_URL names, else a
 * container when a Docker engine answers, else none (and the reason, for the one line the suite
 * prints when it skips). Checks are quick so a machine without Docker skips without hanging.
 */

/** A recent KurrentDB image; override with KURRENTDB_IMAGE to pin a version. */
const DEFAULT_IMAGE = 'docker.kurrent.io/kurrent-latest/kurrentdb:latest';
const DOCKER_CHECK_TIMEOUT_MS = 3_000;

export type KurrentDbForTests =
  | { available: true; url: string; source: 'KURRENTDB_URL' | 'container'; stop: () => Promise<void> }
  | { available: false; reason: string };

export async function kurrentDbForTests(env: NodeJS.ProcessEnv = process.env): Promise<KurrentDbForTests> {
  // An explicit server wins: whoever set it (compose, CI) wants that one, and it starts nothing.
  const url = env.KURRENTDB_URL;
  if (url) return { available: true, url, source: 'KURRENTDB_URL', stop: async () => {} };

  if (!(await dockerEngineAnswers())) return { available: false, reason: 'no Docker engine and no KURRENTDB_URL' };

  const { EventStoreDBContainer } = await import('@testcontainers/eventstoredb');
  // The module's defaults use the EVENTSTORE_ names; KurrentDB reads its own prefix.
  const container = await new EventStoreDBContainer(env.KURRENTDB_IMAGE ?? DEFAULT_IMAGE)
    .withEnvironment({ KURRENTDB_INSECURE: 'true', KURRENTDB_CLUSTER_SIZE: '1', KURRENTDB_RUN_PROJECTIONS: 'None' })
    .start();
  return {
    available: true,
    // Its getConnectionString() still says esdb://, which the client accepts with a deprecation warning.
    url: `kurrentdb://${container.getHost()}:${container.getFirstMappedPort()}?tls=false`,
    source: 'container',
    stop: async () => {
      await container.stop();
    },
  };
}

/**
 * The docker CLI answers in a fraction of a second either way; testcontainers (imported only when
 * the CLI is missing) takes seconds just to load.
 */
async function dockerEngineAnswers(): Promise<boolean> {
  const cli = await new Promise<'up' | 'down' | 'no cli'>((resolve) => {
    execFile('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: DOCKER_CHECK_TIMEOUT_MS }, (error) => {
      if (!error) resolve('up');
      else resolve((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no cli' : 'down');
    });
  });
  if (cli !== 'no cli') return cli === 'up';

  const { getContainerRuntimeClient } = await import('testcontainers');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), DOCKER_CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      getContainerRuntimeClient().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
