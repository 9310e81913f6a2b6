import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { crashableServer } from './support/crashableServer.js';

/**
 * Issue 10, item 2: an import is all rows or none, across a crash too. The server is killed with
 * SIGKILL at a random point of a 300-row import; after the restart either none of the list's rows
 * is in the ledger or every one is (raised, assigned, given its deadline) — never a part — and every
 * one when the import was accepted. Importing the list again then adds nothing.
 */
const ROWS = 300;
const CYCLES = 3;
const server = crashableServer('taizhang-import-crash-');

function importList(url: string, csv: string) {
  const form = new FormData();
  const query = `mutation($f: File!) { importProblems(file: $f) { created alreadyImported problems { id } } }`;
  form.append('operations', JSON.stringify({ query, variables: { f: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.f'] }));
  form.append('0', new Blob([csv], { type: 'text/csv' }), '问题清单.csv');
  return fetch(`${url}/graphql`, { method: 'POST', body: form, headers: { authorization: `Bearer ${server.token}` } }).then(
    (r) => r.json() as Promise<{ data?: any; errors?: unknown[] }>,
  );
}

/** What the log holds of one cycle's list: its rows' raises, assignments and deadlines, and whether it was accepted. */
function inLog(prefix: string) {
  const db = new Database(server.database, { readonly: true, fileMustExist: true });
  try {
    const ids = (
      db
        .prepare(
          `SELECT json_extract(data, '$.problemId') AS id FROM events WHERE type = 'ProblemRaised' AND json_extract(data, '$.description') LIKE ?`,
        )
        .all(`${prefix}%`) as {
        id: string;
      }[]
    ).map((r) => r.id);
    const count = (type: string) =>
      ids.length === 0
        ? 0
        : (
            db
              .prepare(
                `SELECT COUNT(*) AS n FROM events WHERE type = ? AND json_extract(data, '$.problemId') IN (${ids.map(() => '?').join(',')})`,
              )
              .get(type, ...ids) as { n: number }
          ).n;
    const accepted =
      (db.prepare(`SELECT COUNT(*) AS n FROM events WHERE type = 'ProblemsImportAccepted'`).get() as { n: number } | undefined)?.n ?? 0;
    return { raised: ids.length, assigned: count('ProblemAssigned'), deadlines: count('DeadlineSet'), accepted };
  } finally {
    db.close();
  }
}

describe('a server killed with SIGKILL during a 300-row import', () => {
  it('holds none of the list or all of it after the restart, never a part', async () => {
    await server.signInFirstAdmin('importer');
    await server.gql(`mutation { registerUnit(name: "佛子岭镇", kind: township) { unit { id } } }`);
    const deadline = `${new Date().getUTCFullYear() + 1}-06-30`;

    const outcomes: string[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const prefix = `导入${cycle}号`;
      const csv = [
        '问题来源,问题类别,问题描述,责任单位,责任人,整改时限',
        ...Array.from({ length: ROWS }, (_, i) => `县自查,住房安全,${prefix}第${i + 1}户危房未改造,佛子岭镇,储,${deadline}`),
      ].join('\n');
      // Kill once the log holds `at` of the list's raises (0: right after sending it).
      const at = cycle === 0 ? 0 : 1 + Math.floor(Math.random() * (ROWS - 2));
      const acceptedBefore = inLog(prefix).accepted;
      let answered = false;
      const answer = importList(server.url, csv).then(
        (r) => {
          answered = r.data?.importProblems != null;
          return r;
        },
        () => undefined,
      );
      const started = Date.now();
      while (!answered && inLog(prefix).raised < at && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 5));
      await server.stop('SIGKILL');
      await answer;
      const atKill = inLog(prefix);

      await server.start();
      const after = inLog(prefix);
      outcomes.push(`cycle ${cycle}: killed at ${atKill.raised} raised${answered ? ' (answered)' : ''}, ${after.raised} after the restart`);
      // None or all, and all of every row: raised, assigned, deadline set.
      expect([0, ROWS], outcomes.join('\n')).toContain(after.raised);
      expect(after.assigned).toBe(after.raised);
      expect(after.deadlines).toBe(after.raised);
      if (answered || atKill.raised > 0 || atKill.accepted > acceptedBefore) expect(after.raised, outcomes.join('\n')).toBe(ROWS);

      // The read side has every row too, and importing the list again adds nothing.
      const again = await importList(server.url, csv);
      expect(again.data?.importProblems).toMatchObject({
        created: after.raised === ROWS ? 0 : ROWS,
        alreadyImported: after.raised === ROWS ? ROWS : 0,
      });
      expect(again.data.importProblems.problems).toHaveLength(ROWS);
      expect(inLog(prefix)).toMatchObject({ raised: ROWS, assigned: ROWS, deadlines: ROWS });
    }
    console.log(outcomes.join('\n'));
    const verified = await server.gql(`{ verifyLedger { intact summary } }`);
    expect(verified.data.verifyLedger.intact, verified.data.verifyLedger.summary).toBe(true);
    await server.stop();
  }, 60_000);
});
