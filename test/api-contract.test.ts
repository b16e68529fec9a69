/**
 * The HTTP contract, route by route and status by status, against the real server. Failures a
 * real server cannot produce on demand are made real too: an unreachable Temporal is a client
 * pointed at a closed port, and an update that is never confirmed is one sent with no worker.
 */
import { openReportingStore } from '../reporting/index.js';
import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { Validator } from '@seriousme/openapi-schema-validator';
import { pino } from 'pino';
import { createAccessLog } from '../api/access-log.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { toOpenApiPath } from '../api/route.js';
import { historyLength, settledHistoryLength, testConfig, useStack, useStackInOwnNamespace } from './harness.js';
import { freePort } from './ports.js';
import { eventually } from './systems.js';
import { caseWorkflowId } from '../workflows/messages.js';

const stack = useStack({ env: { UPDATE_TIMEOUT_MS: '2000' } });
// The summary counts a whole namespace: its test has one of its own, so the counts are exact
// whatever other files do to their cases meanwhile.
const counted = useStackInOwnNamespace('contract-summary');

const isProblem = (res: { headers: Headers; body: any }, status: number) => {
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(JSON.stringify(res.body)).not.toMatch(/\n\s+at |node_modules/); // never a stack trace on the wire
};

describe('POST /cases', () => {
  it('answers 413 for a body over the limit', async () => {
    const res = await stack.call('POST', '/cases', {
      body: { homeOfficeRef: 'H1234567', padding: 'x'.repeat(200_000) },
    });
    expect(res.status).toBe(413);
    isProblem(res, 413);
  });
});

describe('POST /cases/:caseId/events', () => {
  it('two conflicting events at once: exactly one applies, the other gets 409', async () => {
    const caseId = await stack.openCase();
    const [a, b] = await Promise.all([
      stack.call('POST', `/cases/${caseId}/events`, { body: { type: 'decision.granted', grant: 'refugee' } }),
      stack.call('POST', `/cases/${caseId}/events`, { body: { type: 'decision.refused' } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    isProblem(loser, 409);
    expect(loser.body.allowedEvents).toBeInstanceOf(Array);
    expect((await stack.call('GET', `/cases/${caseId}`)).body.version).toBe(1);
  });

  it('a retry with the same key after a dropped connection applies once', async () => {
    const caseId = await stack.openCase();
    const key = `drop-${randomUUID()}`;
    const token = await stack.token('caseworker');
    const payload = JSON.stringify({ type: 'claim.screened' });
    // Send the whole request, then drop the connection before any answer can arrive.
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${stack.baseUrl}/cases/${caseId}/events`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'idempotency-key': key,
        },
      });
      req.on('error', () => resolve());
      req.end(payload, () => setTimeout(() => (req.destroy(), resolve()), 20));
    });
    await eventually(
      async () => ((await stack.call('GET', `/cases/${caseId}`)).body.version === 1 ? true : undefined),
      10_000,
      'the dropped request to apply',
    );
    const retry = await stack.call('POST', `/cases/${caseId}/events`, {
      body: { type: 'claim.screened' },
      headers: { 'idempotency-key': key },
    });
    expect(retry.status).toBe(200);
    expect(retry.body.version).toBe(1);
    expect((await stack.call('GET', `/cases/${caseId}`)).body.version).toBe(1);
  });

  it('answers 400 for an Idempotency-Key that is not visible ASCII', async () => {
    const caseId = await stack.openCase();
    const res = await stack.call('POST', `/cases/${caseId}/events`, {
      body: { type: 'claim.screened' },
      headers: { 'idempotency-key': 'x'.repeat(201) },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('Idempotency-Key');
  });

  it(
    'answers 503 with Retry-After when no worker confirms the change in time, and the retry applies it once',
    { timeout: 60_000 },
    async () => {
      const caseId = await stack.openCase();
      await stack.killWorker();
      const key = `slow-${randomUUID()}`;
      try {
        const res = await stack.call('POST', `/cases/${caseId}/events`, {
          body: { type: 'claim.screened' },
          headers: { 'idempotency-key': key },
          retry503: false,
        });
        expect(res.status).toBe(503);
        isProblem(res, 503);
        expect(res.headers.get('retry-after')).toBe('5');
      } finally {
        await stack.startWorker();
      }
      // As a client honouring Retry-After would: the same key again until the worker is back.
      const retry = await eventually(
        async () => {
          const res = await stack.call('POST', `/cases/${caseId}/events`, {
            body: { type: 'claim.screened' },
            headers: { 'idempotency-key': key },
            retry503: false,
          });
          return res.status === 503 ? undefined : res;
        },
        30_000,
        'the worker to come back',
      );
      expect(retry.status).toBe(200);
      expect(retry.body.version).toBe(1);
      expect((await stack.call('GET', `/cases/${caseId}`)).body.version).toBe(1);
    },
  );
});

describe('GET /cases (search)', () => {
  it('filters by assignee, stage and any reference, and pages with pageToken', async () => {
    const assignee = `team-${randomUUID().slice(0, 8)}`;
    const ids = [
      await stack.openCase({ assignee }),
      await stack.openCase({ assignee }),
      await stack.openCase({ assignee, uan: '1111-2222-3333-4444' }),
    ];
    await stack.call('POST', `/cases/${ids[0]}/events`, { body: { type: 'decision.refused' } });
    const all = await eventually(
      async () => {
        const res = await stack.call('GET', `/cases?assignee=${assignee}`, { role: 'supervisor' });
        return res.body.cases.length === 3 ? res : undefined;
      },
      15_000,
      'three cases in search',
    );
    expect(all.status).toBe(200);
    expect(all.body.cases.map((c: any) => c.caseId).sort()).toEqual([...ids].sort());

    const decided = await eventually(
      async () => {
        const res = await stack.call('GET', `/cases?assignee=${assignee}&stage=decision`, { role: 'auditor' });
        return res.body.cases.length === 1 ? res : undefined;
      },
      15_000,
      'stage filter',
    );
    expect(decided.body.cases[0]).toMatchObject({ caseId: ids[0], stage: 'decision', status: 'refused', assignee });

    const byUan = await stack.call('GET', `/cases?ref=1111-2222-3333-4444&assignee=${assignee}`, { role: 'tribunal' });
    expect(byUan.body.cases.map((c: any) => c.caseId)).toEqual([ids[2]]);

    const first = await stack.call('GET', `/cases?assignee=${assignee}&pageSize=2`, { role: 'supervisor' });
    expect(first.body.cases).toHaveLength(2);
    expect(first.body.nextPageToken).toEqual(expect.any(String));
    const second = await stack.call(
      'GET',
      `/cases?assignee=${assignee}&pageSize=2&pageToken=${first.body.nextPageToken}`,
      { role: 'supervisor' },
    );
    expect(second.body.cases).toHaveLength(1);
    expect(new Set([...first.body.cases, ...second.body.cases].map((c: any) => c.caseId))).toEqual(new Set(ids));
    // A token belongs to its search: with other filters it is refused.
    const elsewhere = await stack.call('GET', `/cases?stage=claim&pageSize=2&pageToken=${first.body.nextPageToken}`, {
      role: 'supervisor',
    });
    expect(elsewhere.status).toBe(400);
  });

  it('answers 400 naming each bad filter, and for a token that is not ours', async () => {
    const res = await stack.call(
      'GET',
      `/cases?stage=limbo&pageSize=0&assignee=${encodeURIComponent("x' OR 1=1")}&colour=red`,
      { role: 'supervisor' },
    );
    expect(res.status).toBe(400);
    isProblem(res, 400);
    expect(res.body.errors.map((e: any) => e.field)).toEqual(expect.arrayContaining(['stage', 'pageSize', 'assignee']));
    for (const pageToken of ['bm90LWEtdG9rZW4', 'bm90LWEtdG9rZW4.AAAAAAAAAAAAAAAAAAAAAA']) {
      const token = await stack.call('GET', `/cases?pageToken=${pageToken}`, { role: 'supervisor' });
      expect(token.status).toBe(400);
      expect(token.body.errors[0].field).toBe('pageToken');
    }
  });

  it('is for supervisors, auditors, caseworkers and tribunal staff only', async () => {
    expect((await stack.call('GET', '/cases', { role: 'integration' })).status).toBe(403);
    expect((await stack.call('GET', '/cases', { role: null })).status).toBe(401);
  });
});

describe('GET /reports/summary', () => {
  it('counts the backlog by stage and absconders, for supervisors and auditors', async () => {
    const before = (await counted.call('GET', '/reports/summary', { role: 'supervisor' })).body;
    expect(before).toMatchObject({
      backlogByStage: { claim: 0, decision: 0, appeal: 0, tribunal: 0, exit: 0 },
      absconders: 0,
    });
    const caseId = await counted.openCase();
    await counted.call('POST', `/cases/${caseId}/events`, { body: { type: 'person.absconded' } });
    await eventually(
      async () => {
        const now = (await counted.call('GET', '/reports/summary', { role: 'auditor' })).body;
        return now.absconders === 1 && now.backlogByStage.claim === 1 ? now : undefined;
      },
      15_000,
      'summary to count the new case',
    );
    expect((await counted.call('GET', '/reports/summary', { role: 'caseworker' })).status).toBe(403);
  });
});

describe('operations', () => {
  it('serves health, readiness and docs without a token, and no metrics on the public port', async () => {
    expect((await stack.call('GET', '/healthz', { role: null })).body).toEqual({ status: 'ok' });
    expect((await stack.call('GET', '/readyz', { role: null })).body).toEqual({ status: 'ready' });
    // Metrics have a listener of their own (test/api-shutdown.test.ts runs server.ts and scrapes it).
    expect((await fetch(`${stack.baseUrl}/metrics`)).status).toBe(404);
    const docs = await fetch(`${stack.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    const html = await docs.text();
    expect(html).toContain('/docs/assets/swagger-ui-bundle.js');
    expect((await fetch(`${stack.baseUrl}/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
    expect((await fetch(`${stack.baseUrl}/docs/init.js`)).status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('answers 404 problem+json for a route that does not exist', async () => {
    const res = await stack.call('GET', '/nowhere', { role: null });
    expect(res.status).toBe(404);
    isProblem(res, 404);
  });

  it('publishes a valid OpenAPI 3.1 document listing every route the app serves', async () => {
    const doc = (await stack.call('GET', '/openapi.json', { role: null })).body;
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);

    // What Express actually has mounted, read from its router, against what the document says.
    const app = createApp({
      devSignIn: true,
      secureCookies: false,
      reporting: stack.reporting,
      client: stack.client,
      taskQueue: 'unused',
      namespace: 'unused',
      auth: stack.config.auth,
      logger: pino({ level: 'silent' }),
      accessLog: createAccessLog(stack.config.accessLog),
    });
    const mounted = new Set<string>();
    const walk = (stack: any[]) => {
      for (const layer of stack) {
        // The pages (/ and /app/…) are HTML for people, a client of the API, not part of it.
        const page = layer.route && (layer.route.path === '/' || String(layer.route.path).startsWith('/app'));
        if (layer.route && !page)
          for (const method of Object.keys(layer.route.methods))
            mounted.add(`${method} ${toOpenApiPath(layer.route.path)}`);
        else if (layer.handle?.stack && !layer.matchers?.[0]?.('/docs/x')) walk(layer.handle.stack);
      }
    };
    walk((app as any).router.stack);
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]: [string, any]) => Object.keys(ops).map((m) => `${m} ${path}`)),
    );
    expect([...mounted].sort()).toEqual([...documented].sort());
    for (const required of [
      'post /cases',
      'get /cases',
      'get /cases/{caseId}',
      'post /cases/{caseId}/events',
      'get /cases/{caseId}/access',
      'post /cases/{caseId}/erase',
      'get /reports/summary',
      'get /healthz',
      'get /readyz',
      'get /openapi.json',
      'get /docs',
    ]) {
      expect(documented).toContain(required);
    }
  });
});

describe('Temporal unreachable', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // A real client, pointed at a port where nothing listens.
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 1_000 });
    const client = new Client({ connection, namespace: 'nowhere' });
    const config = testConfig();
    const app = createApp({
      devSignIn: true,
      secureCookies: false,
      client,
      taskQueue: 'nowhere',
      namespace: 'nowhere',
      auth: config.auth,
      logger: pino({ level: 'silent' }),
      accessLog: createAccessLog(config.accessLog),
      reporting: openReportingStore(config.reporting.dbFile),
      updateTimeoutMs: 2_000,
    });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers 503 with Retry-After, for reads, changes and readiness', { timeout: 60_000 }, async () => {
    const token = await stack.token('caseworker');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    for (const [method, path, body] of [
      ['GET', '/cases/AC-0000000000ZZ', undefined],
      // Search calls the gRPC service directly, so its failures arrive unwrapped.
      ['GET', '/cases?stage=claim', undefined],
      ['GET', '/cases/AC-0000000000ZZ/timeline', undefined],
      ['POST', '/cases/AC-0000000000ZZ/events', JSON.stringify({ type: 'claim.screened' })],
      ['GET', '/readyz', undefined],
    ] as const) {
      const res = await fetch(`${url}${path}`, { method, headers, body });
      expect(res.status, `${method} ${path}`).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});

describe('a rejected request changes nothing', () => {
  it('leaves the case history as it was', async () => {
    const caseId = await stack.openCase();
    const before = await settledHistoryLength(stack.client, caseWorkflowId(caseId));
    await stack.call('POST', `/cases/${caseId}/events`, {
      body: { type: 'tribunal.listed', hearingDate: '2026-13-01' },
    });
    await stack.call('POST', `/cases/${caseId}/events`, { role: 'auditor', body: { type: 'claim.screened' } });
    await stack.call('POST', `/cases/${caseId}/events`, { body: { type: 'appeal.lodged' }, role: 'tribunal' });
    expect(await historyLength(stack.client, caseWorkflowId(caseId))).toBe(before);
  });
});
