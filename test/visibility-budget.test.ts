/**
 * What the API answers and logs when a visibility call is refused, by the process's own budget
 * (config/visibility-budget.ts) or by the Temporal server's namespace limit, on real servers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Connection } from '@temporalio/client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUDGET_REFUSAL } from '../config/visibility-budget.js';
import { resolveTemporalCli } from '../temporal/cli.js';
import { prepareNamespace, startDevServer, type DevServer } from '../temporal/server.js';
import { startStack, useStack, type Stack } from './harness.js';
import { freePort } from './ports.js';

/** The API's log lines, as JSON objects. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'warn' },
    new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  );
  return { logger, lines };
}

async function expectRateLimited(stack: Stack, lines: Array<Record<string, unknown>>, details: RegExp) {
  // The summary as visibility counts it (24 counts; the read model's summary makes one).
  const res = await stack.call('GET', '/reports/summary?source=visibility', { role: 'supervisor' });
  expect(res.status).toBe(429);
  expect(res.headers.get('retry-after')).toBe('1');
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body.type).toBe('urn:asylum-case-tracker:problem:temporal-rate-limited');
  expect(res.body.detail).not.toMatch(/unreachable/);
  const line = lines.find((l) => l.problem === res.body.type);
  expect(line, JSON.stringify(lines)).toMatchObject({
    level: 40,
    grpcStatus: 'RESOURCE_EXHAUSTED',
    grpcCode: 8,
    req: { url: expect.stringMatching(/^\/reports\/summary\?source=/) },
  });
  expect(String(line?.grpcDetails)).toMatch(details);
  expect(String(line?.msg)).toMatch(/^429 Too many requests: Temporal answered RESOURCE_EXHAUSTED/);
}

describe('a visibility call refused by the process budget', () => {
  const { logger, lines } = capturedLogger();
  // One visibility call a second, and a second and a half to answer: a summary's counts cannot all start in time.
  const stack = useStack({ env: { TEMPORAL_VISIBILITY_RPS: '1', UPDATE_TIMEOUT_MS: '1500' }, logger });

  it('answers 429 with Retry-After and logs the budget as the cause; the overview says its watch list cannot be read', async () => {
    await expectRateLimited(stack, lines, new RegExp(BUDGET_REFUSAL));
    const page = await fetch(`${stack.baseUrl}/app`, {
      headers: { cookie: `case_tracker_token=${await stack.token('supervisor')}` },
      redirect: 'manual',
    });
    // The overview's figures come from the reporting model, its watch list from visibility: the page
    // still answers, and says the watch list cannot be read rather than showing it empty.
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('The watch list cannot be read just now');
    expect(html).not.toContain('No appeal in the cohort is breached');
    // The budget refills: one search a second later goes through.
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await stack.call('GET', '/cases?stage=claim', { role: 'supervisor' })).status).toBe(200);
  });
});

describe('a visibility call refused by the Temporal server', () => {
  const { logger, lines } = capturedLogger();
  const dir = mkdtempSync(join(tmpdir(), 'tiny-limit-'));
  let server: DevServer | undefined;
  let stack: Stack | undefined;
  beforeAll(async () => {
    // A dev server of its own whose namespace allows one visibility call a second (burst 1), and a
    // process budget far above it: the server's own limiter answers.
    const cli = await resolveTemporalCli({ log: () => {} });
    if (!cli.ok || cli.value.kind !== 'binary') throw new Error(cli.ok ? cli.value.description : cli.error);
    const namespace = 'tiny-limit';
    server = await startDevServer({
      cli: cli.value.path,
      dbFile: join(dir, 'temporal.sqlite'),
      port: await freePort(),
      uiPort: 0,
      headless: true,
      logFile: join(dir, 'temporal.log'),
      namespaces: [namespace],
      dynamicConfig: ['frontend.namespaceRPS.visibility=1', 'frontend.namespaceBurstRatio.visibility=1'],
    });
    const admin = await Connection.connect({ address: server.address });
    await prepareNamespace(admin, namespace, 1);
    await admin.close();
    stack = await startStack({
      env: { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: namespace, TEMPORAL_VISIBILITY_RPS: '1000' },
      logger,
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers 429 with Retry-After and logs the gRPC status and the server's reason", async () => {
    await expectRateLimited(stack!, lines, /namespace rate limit exceeded/);
  });
});
