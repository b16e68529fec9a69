/**
 * The access log (#19): every read, search hit, export and change of a case is recorded by sub and
 * role outside the case's history, readable by supervisors and auditors within a second, kept
 * across a restart (even a killed process: the entry is written before the answer leaves) and
 * after the case is erased; request logs keep no reference; erasure deletes every run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessLog } from '../api/access-log.js';
import type { Role } from '../domain/index.js';
import { spawnService, waitForHttp, type Service } from '../scripts/processes.js';
import { extraApi, startStack, type Stack } from './harness.js';
import { signWebhook } from './case-api.js';
import { freePort } from './ports.js';
import { eventually } from './systems.js';

/** Every line the API logs, as parsed JSON. */
const logged: Array<Record<string, any>> = [];
let stack: Stack;
beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) logged.push(JSON.parse(line));
      done();
    },
  });
  stack = await startStack({ logger: pino({ level: 'info' }, sink) });
});
afterAll(async () => {
  await stack?.stop();
});

/** A call as a named person (sub) in a role. */
async function as(role: Role, sub: string, method: string, path: string, body?: unknown) {
  return stack.call(method, path, {
    role: null,
    headers: { authorization: `Bearer ${await stack.token(role, sub)}` },
    ...(body === undefined ? {} : { body }),
  });
}
type Entry = { at: string; sub: string; role: string; action: string; route: string; reason?: string };
async function accessLog(caseId: string, role: Role = 'supervisor', sub = 'log-reader'): Promise<Entry[]> {
  const res = await as(role, sub, 'GET', `/cases/${caseId}/access`);
  expect(res.status).toBe(200);
  return res.body.entries as Entry[];
}
const has = (entries: Entry[], want: Partial<Entry>) =>
  entries.some((e) => Object.entries(want).every(([k, v]) => e[k as keyof Entry] === v));

describe('the access log', () => {
  it("shows a caseworker's read of a case within a second, newest first", async () => {
    const caseId = await stack.openCase();
    expect((await as('caseworker', 'cw-alice', 'GET', `/cases/${caseId}`)).status).toBe(200);
    const readAt = Date.now();
    const deadline = readAt + 1_000;
    let entries: Entry[] = [];
    while (Date.now() < deadline) {
      entries = await accessLog(caseId);
      if (has(entries, { sub: 'cw-alice', action: 'read' })) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(Date.now() - readAt).toBeLessThan(1_000);
    const read = entries.find((e) => e.sub === 'cw-alice' && e.action === 'read')!;
    expect(read).toMatchObject({ role: 'caseworker', route: 'GET /cases/:caseId' });
    expect(Date.parse(read.at)).toBeLessThanOrEqual(readAt);
    // Opened by the harness's caseworker before the read: later in the list.
    const opened = entries.findIndex((e) => e.action === 'open');
    expect(opened).toBeGreaterThan(entries.indexOf(read));
    expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort().reverse());
  });

  it('records the pages’ reads of a case as the person signed in (the pages read through the API)', async () => {
    const caseId = await stack.openCase();
    const page = await fetch(`${stack.baseUrl}/app/cases/${caseId}`, {
      headers: { cookie: `case_tracker_token=${await stack.token('tribunal', 'tj-page')}` },
    });
    expect(page.status).toBe(200);
    const entries = await accessLog(caseId);
    expect(has(entries, { sub: 'tj-page', role: 'tribunal', action: 'read' })).toBe(true);
    expect(has(entries, { sub: 'tj-page', role: 'tribunal', action: 'timeline' })).toBe(true);
  });

  it('records reading the log itself, and refuses (and records) every role but supervisor and auditor', async () => {
    const caseId = await stack.openCase();
    await accessLog(caseId, 'auditor', 'aud-bob');
    expect(await accessLog(caseId)).toContainEqual(
      expect.objectContaining({
        sub: 'aud-bob',
        role: 'auditor',
        action: 'access-log',
        route: 'GET /cases/:caseId/access',
      }),
    );
    for (const role of ['caseworker', 'tribunal', 'integration'] as const) {
      const res = await as(role, `nosy-${role}`, 'GET', `/cases/${caseId}/access`);
      expect(res.status, role).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    const entries = await accessLog(caseId);
    for (const role of ['caseworker', 'tribunal', 'integration'])
      expect(has(entries, { sub: `nosy-${role}`, role, action: 'denied', route: 'GET /cases/:caseId/access' })).toBe(
        true,
      );
  });

  it('records changes (a webhook’s too), exports, timelines, search hits, person lookups and integration tokens, with no reference in a route', async () => {
    const { caseId, homeOfficeRef } = await stack.openFindableCase();
    expect(
      (await as('caseworker', 'cw-carol', 'POST', `/cases/${caseId}/events`, { type: 'claim.screened' })).status,
    ).toBe(200);
    expect((await as('tribunal', 'tj-dan', 'GET', `/cases/${caseId}/record?format=html`)).status).toBe(200);
    expect((await as('auditor', 'aud-eve', 'GET', `/cases/${caseId}/timeline`)).status).toBe(200);
    expect((await as('caseworker', 'cw-fay', 'GET', `/cases?ref=${homeOfficeRef}`)).body.cases).toHaveLength(1);
    expect((await as('caseworker', 'cw-fay', 'GET', '/cases?stage=claim&pageSize=5')).status).toBe(200);
    expect((await as('tribunal', 'tj-gil', 'GET', `/people/${homeOfficeRef}`)).status).toBe(200);
    expect((await as('integration', 'ho-client', 'GET', `/cases/${caseId}`)).status).toBe(200);
    // A signed webhook applied to the case: the system that signed it changed it.
    const raw = JSON.stringify({
      id: `access-${caseId}`,
      type: 'person.reported',
      occurredAt: new Date().toISOString(),
      references: { homeOfficeRef },
    });
    const hook = await fetch(`${stack.baseUrl}/integrations/home-office/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-signature': signWebhook(stack.config.webhookSecrets['home-office'], raw),
      },
      body: raw,
    });
    expect(hook.status).toBe(202);
    // An auditor may send no event: refused by the domain's table, and recorded as refused.
    expect((await as('auditor', 'aud-eve', 'POST', `/cases/${caseId}/events`, { type: 'claim.screened' })).status).toBe(
      403,
    );

    const entries = await accessLog(caseId);
    for (const want of [
      { sub: 'cw-carol', role: 'caseworker', action: 'change', route: 'POST /cases/:caseId/events' },
      { sub: 'tj-dan', role: 'tribunal', action: 'export', route: 'GET /cases/:caseId/record' },
      { sub: 'aud-eve', role: 'auditor', action: 'timeline', route: 'GET /cases/:caseId/timeline' },
      { sub: 'cw-fay', role: 'caseworker', action: 'search-hit', route: 'GET /cases' },
      { sub: 'tj-gil', role: 'tribunal', action: 'person-lookup', route: 'GET /people/:ref' },
      { sub: 'ho-client', role: 'integration', action: 'read', route: 'GET /cases/:caseId' },
      { sub: 'aud-eve', role: 'auditor', action: 'denied', route: 'POST /cases/:caseId/events' },
      { sub: 'home-office', role: 'integration', action: 'change', route: 'POST /integrations/home-office/events' },
    ])
      expect(has(entries, want), JSON.stringify(want)).toBe(true);
    // A search by stage is not a lookup of this person: one search hit only (the one by reference).
    expect(entries.filter((e) => e.sub === 'cw-fay')).toHaveLength(1);
    expect(JSON.stringify(entries)).not.toContain(homeOfficeRef);
    expect(JSON.stringify(entries)).not.toContain('?');
  });

  it('keeps query values and people’s references out of the request logs', async () => {
    const { homeOfficeRef } = await stack.openFindableCase();
    await as('caseworker', 'cw-redact', 'GET', `/cases?ref=${homeOfficeRef}&stage=claim`);
    await as('caseworker', 'cw-redact', 'GET', `/people/${homeOfficeRef}`);
    await as('caseworker', 'cw-redact', 'GET', `/people/${encodeURIComponent('12/345678U')}`);
    await fetch(`${stack.baseUrl}/app/cases?ref=${homeOfficeRef}`, { redirect: 'manual' });
    const urls = await eventually(
      async () => {
        const lines = logged.filter((l) => typeof l.req?.url === 'string').map((l) => l.req.url as string);
        return lines.filter((u) => u.startsWith('/app/cases?')).length > 0 &&
          lines.filter((u) => u.startsWith('/people/')).length >= 2
          ? lines
          : undefined;
      },
      5_000,
      'the request log lines',
    );
    expect(urls).toContain('/cases?ref=[redacted]&stage=[redacted]');
    expect(urls).toContain('/people/[redacted]');
    expect(urls).toContain('/app/cases?ref=[redacted]');
    const everything = JSON.stringify(logged);
    expect(everything).not.toContain(homeOfficeRef);
    expect(everything).not.toContain('345678U');
  });

  it('survives a restart: a killed API process’s entries are read by the next one', { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'access-log-restart-'));
    const { temporal, auth } = stack.config;
    let api: Service | undefined;
    const start = async () => {
      const port = await freePort();
      api = spawnService('api', 'server.ts', {
        env: {
          LOCAL_MODE: '1',
          PORT: String(port),
          TEMPORAL_ADDRESS: temporal.address,
          TEMPORAL_NAMESPACE: temporal.namespace,
          TEMPORAL_TASK_QUEUE: temporal.taskQueue,
          JWT_SECRET: auth.jwtSecret,
          LOG_LEVEL: 'warn',
          ACCESS_LOG_DIR: dir,
        },
      });
      await waitForHttp(`http://127.0.0.1:${port}/readyz`, 30_000, api);
      return `http://127.0.0.1:${port}`;
    };
    try {
      const caseId = await stack.openCase();
      const first = await start();
      const read = await fetch(`${first}/cases/${caseId}`, {
        headers: { authorization: `Bearer ${await stack.token('caseworker', 'cw-restart')}` },
      });
      expect(read.status).toBe(200);
      // No graceful stop: what was answered must already be on disk.
      await api!.kill();
      const second = await start();
      const log = await fetch(`${second}/cases/${caseId}/access`, {
        headers: { authorization: `Bearer ${await stack.token('auditor', 'aud-restart')}` },
      });
      expect(log.status).toBe(200);
      const { entries } = (await log.json()) as { entries: Entry[] };
      expect(has(entries, { sub: 'cw-restart', role: 'caseworker', action: 'read' })).toBe(true);
    } finally {
      await api?.kill();
    }
  });

  it('answers 503 instead of the case when the entry cannot be written: nothing disclosed unrecorded', async () => {
    const caseId = await stack.openCase();
    // A directory that cannot be made: under a file.
    const api = await extraApi(stack, { accessLog: createAccessLog({ dir: '/dev/null/access', fsync: true }) });
    try {
      const res = await fetch(`${api.url}/cases/${caseId}`, {
        headers: { authorization: `Bearer ${await stack.token('caseworker', 'cw-unrecorded')}` },
      });
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(JSON.parse(text).type).toMatch(/access-log-unavailable$/);
      expect(text).not.toContain('Test Person');
    } finally {
      await api.close();
    }
  });
});

describe('erasure', () => {
  it('refuses without a reason (400 naming it) and to any role but supervisor, changing nothing', async () => {
    const caseId = await stack.openCase();
    const missing = await as('supervisor', 'sup-ann', 'POST', `/cases/${caseId}/erase`, {});
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toMatch(/problem\+json/);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
    const blank = await as('supervisor', 'sup-ann', 'POST', `/cases/${caseId}/erase`, { reason: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.body.errors[0].field).toBe('reason');
    for (const role of ['caseworker', 'tribunal', 'auditor', 'integration'] as const)
      expect(
        (await as(role, `eraser-${role}`, 'POST', `/cases/${caseId}/erase`, { reason: 'wrong person' })).status,
      ).toBe(403);
    expect((await stack.call('GET', `/cases/${caseId}`)).status).toBe(200);
    const entries = await accessLog(caseId);
    expect(entries.some((e) => e.action === 'erase')).toBe(false);
    expect(has(entries, { sub: 'eraser-caseworker', action: 'denied', route: 'POST /cases/:caseId/erase' })).toBe(true);
  });

  it('deletes the case from Temporal and keeps who erased it, when and why', async () => {
    const { caseId, homeOfficeRef } = await stack.openFindableCase();
    const other = await stack.openCase();
    // A link to another case: that case's own record names this one, and the answer says so.
    expect(
      (
        await stack.call('POST', `/cases/${caseId}/events`, {
          body: { type: 'case.linked', caseId: other, relation: 'family' },
        })
      ).status,
    ).toBe(200);
    await as('caseworker', 'cw-before', 'GET', `/cases/${caseId}`);

    const erased = await as('supervisor', 'sup-ann', 'POST', `/cases/${caseId}/erase`, {
      reason: 'Opened in error for the wrong person',
    });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ caseId, erased: true, remaining: { linkedFrom: [other] } });
    expect(erased.body.runs).toBeGreaterThanOrEqual(1);

    expect((await stack.call('GET', `/cases/${caseId}`)).status).toBe(404);
    expect((await stack.call('GET', `/cases/${caseId}/timeline`)).status).toBe(404);
    expect((await stack.call('GET', `/cases?ref=${homeOfficeRef}`, { role: 'supervisor' })).body.cases).toEqual([]);
    expect((await as('supervisor', 'sup-ann', 'POST', `/cases/${caseId}/erase`, { reason: 'again' })).status).toBe(404);

    const entries = await accessLog(caseId, 'auditor');
    expect(entries).toContainEqual(
      expect.objectContaining({
        sub: 'sup-ann',
        role: 'supervisor',
        action: 'erase',
        route: 'POST /cases/:caseId/erase',
        reason: 'Opened in error for the wrong person',
      }),
    );
    // What came before the erasure is still there.
    expect(has(entries, { sub: 'cw-before', action: 'read' })).toBe(true);
    expect(has(entries, { action: 'open' })).toBe(true);
  });
});
