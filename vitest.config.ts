import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Node loads graphql's CommonJS build for Pothos and yoga; without this, vite would hand our own
  // files its ESM build, and graphql refuses types from "another module or realm".
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The young generation `npm start` gives the server (16 MB semi-spaces), whatever the host's memory: V8 sizes its
    // default by it, and the restore's collections (tests/projections/youngGeneration.unit.test.ts) are made at 8 MB.
    execArgv: ['--max-semi-space-size=16'],
    // One PostgreSQL server for the whole run; each test file makes its own database on it.
    globalSetup: ['tests/support/postgresServer.ts'],
    // Server processes the tests start log requests at info: warnings and errors only, unless LOG_LEVEL says otherwise.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    // The JSON report is what .ci/run counts for its closing "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
