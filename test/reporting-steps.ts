/**
 * What the reporting tests share: dates worked out without the code under test (London's today, and
 * days from it), the wait for the read model to catch up with the cases a test moved, and the cases
 * behind a figure's link, every page followed.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { expect } from 'vitest';
import type { caseApi } from './case-api.js';
import type { Stack } from './harness.js';
import { eventually } from './systems.js';

export const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
export const DAY = 86_400_000;
const ms = (d: string) => Date.parse(`${d}T00:00:00Z`);
export const plus = (d: string, n: number) => new Date(ms(d) + n * DAY).toISOString().slice(0, 10);
/** The day `n` days from today (negative: before). */
export const T = (n: number) => plus(today, n);
export const days = (from: string, to: string) => Math.round((ms(to) - ms(from)) / DAY);
export const monday = (d: string) => plus(d, -((new Date(ms(d)).getUTCDay() + 6) % 7));

/** Until the model holds each case at the case's own version (deliveries to it are asynchronous). */
export async function modelCaughtUp(stack: Stack, api: ReturnType<typeof caseApi>, caseIds: Iterable<string>) {
  await eventually(
    async () => {
      const seqs = new Map((await stack.reporting.positions()).map((p) => [p.caseId, p.seq]));
      for (const caseId of caseIds) if (seqs.get(caseId) !== (await api.read(caseId)).version) return undefined;
      return true;
    },
    60_000,
    'the reporting model to catch up',
  );
}

/** The cases a `cases` link (`/reports/cases?...`) lists, two a page, every page followed (as a client would). */
export async function allCasesBehind(stack: Stack, href: string): Promise<string[]> {
  expect(href).toMatch(/^\/reports\/cases\?/);
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const res = await stack.call('GET', `${href}&pageSize=2${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`, {
      role: 'auditor',
    });
    // The problem's detail in the message, so a refusal says why.
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.caseIds.length).toBeLessThanOrEqual(2);
    ids.push(...res.body.caseIds);
    token = res.body.nextPageToken;
  } while (token);
  return ids;
}

/** Asks for a reconciliation now (202) and waits for that run's report. */
export async function reconciledNow(stack: Stack): Promise<any> {
  const asked = await stack.call('POST', '/reconciliations', { role: 'supervisor' });
  expect(asked.status).toBe(202);
  return eventually(
    async () => {
      const res = await stack.call('GET', '/reports/reconciliation', { role: 'supervisor' });
      return res.body.runs.find((r: any) => r.status === 'completed' && r.report.startedAt >= asked.body.requestedAt)
        ?.report;
    },
    90_000,
    'a reconciliation run',
  );
}

/**
 * Statements run straight against the model's own database, whichever backend the stack uses (the
 * SQLite file of the two commands, PostgreSQL on the cluster), as an operator's mistake would: for
 * the tests that damage it and check the reconciliation repairs it. Parameters are `$1`, `$2`, ….
 */
export async function runOnModel(stack: Stack, statements: ReadonlyArray<[sql: string, ...params: unknown[]]>) {
  const { postgresUrl, dbFile } = stack.config.reporting;
  if (postgresUrl) {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      for (const [sql, ...params] of statements) await client.query(sql, params);
    } finally {
      await client.end();
    }
    return;
  }
  const db = new Database(dbFile);
  try {
    for (const [sql, ...params] of statements) db.prepare(sql.replace(/\$\d+/g, '?')).run(...params);
  } finally {
    db.close();
  }
}
