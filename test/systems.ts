/**
 * The reference Home Office and HMCTS systems as separate processes for tests and for the
 * process stack (test/stack.ts): their own ports and stores, restartable, with faults switchable
 * over HTTP.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSystem, HTTP_SYSTEMS, type HttpSystem } from '../domain/index.js';
import { spawnService, waitForHttp, type Service } from '../scripts/processes.js';
import type { Faults } from '../systems/reference-system.js';
import { freePort } from './ports.js';

export interface CaseSeenBySystem {
  caseId: string;
  stage: string;
  status: string;
  references: Record<string, string>;
  messages: Array<{ key: string; seq: number; type: string }>;
}

export interface RunningSystem {
  url: string;
  /** Its store (JSON lines), read at start: a test may edit it while the system is stopped. */
  data: string;
  start(): Promise<void>;
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  faults(f: Partial<Faults>): Promise<void>;
  stats(): Promise<{
    received: number;
    duplicates: number;
    injectedErrors: number;
    rejected: number;
    outOfOrder: number;
    gapFills: number;
    stored: number;
  }>;
  view(caseId: string): Promise<CaseSeenBySystem | undefined>;
  /** Points this system's webhooks at the tracker (`npm start` does it at start-up). */
  webhookTo(url: string, secret: string): Promise<void>;
  /**
   * Something happens on this system's side (`POST /admin/events`): it tells the tracker by signed
   * webhook. Answers with the tracker's outcome (applied, held, duplicate, unmatched).
   */
  report(event: Record<string, unknown>): Promise<{ status: string; caseId?: string; reason?: string }>;
}

export interface SystemOptions {
  /** Keep the store in this folder (as `<which>.jsonl`); default a temporary folder of its own. */
  dir?: string;
  /** Each line the system prints; default none. */
  onLine?: (line: string) => void;
}

/** A reference system by its wire name (one of the registry's descriptors). */
export async function startSystem(which: string, options: SystemOptions = {}): Promise<RunningSystem> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const data = options.dir
    ? join(options.dir, `${which}.jsonl`)
    : join(mkdtempSync(join(tmpdir(), `${which}-`)), 'store.jsonl');
  let service: Service | undefined;
  const system: RunningSystem = {
    url,
    data,
    async start() {
      service = spawnService(which, 'systems/server.ts', {
        args: [which, '--port', String(port), '--data', data],
        onLine: options.onLine,
      });
      // One that never became ready is not left running (on a loaded machine it may be slow, not dead).
      await waitForHttp(`${url}/healthz`, 30_000, service).catch(async (err: unknown) => {
        await service?.kill();
        throw err;
      });
    },
    async kill() {
      await service?.kill();
    },
    async stop(graceMs) {
      await service?.stop(graceMs);
    },
    async faults(f) {
      const res = await fetch(`${url}/admin/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(f),
      });
      if (!res.ok) throw new Error(`faults: ${res.status}`);
    },
    async stats() {
      return (await (await fetch(`${url}/admin/stats`)).json()) as Awaited<ReturnType<RunningSystem['stats']>>;
    },
    async view(caseId) {
      const res = await fetch(`${url}/cases/${caseId}`);
      return res.status === 404 ? undefined : ((await res.json()) as CaseSeenBySystem);
    },
    async webhookTo(webhookUrl, secret) {
      const res = await fetch(`${url}/admin/webhook`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: webhookUrl, secret }),
      });
      if (!res.ok) throw new Error(`webhook: ${res.status}`);
    },
    async report(event) {
      const res = await fetch(`${url}/admin/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
      });
      const body = (await res.json()) as { status?: number; answer?: { status: string }; error?: string };
      if (res.status !== 200 || body.status !== 202 || !body.answer)
        throw new Error(`${which} reported ${JSON.stringify(event)}: ${res.status} ${JSON.stringify(body)}`);
      return body.answer;
    },
  };
  await system.start();
  return system;
}

/**
 * Polls until `check` returns a value other than undefined. A check that throws (say, a read that
 * answered 503 while a worker restarts) counts as "not yet"; after `timeoutMs` the last error, or
 * a timeout naming `what`, fails the test.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw lastError ?? new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * One reference system per descriptor in the registry, and the settings that point the tracker at
 * them (each system's URL setting): a new system in the registry is started here without a change.
 */
export async function startSystems(options: (wire: string) => SystemOptions = () => ({})) {
  const attempts = await Promise.allSettled(
    HTTP_SYSTEMS.map(
      async (key) => [key, await startSystem(describeSystem(key).wire, options(describeSystem(key).wire))] as const,
    ),
  );
  const started = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
  const failed = attempts.find((a) => a.status === 'rejected');
  if (failed) {
    // One did not start: the others are stopped too, not left behind the failed test file.
    await Promise.all(started.map(([, system]) => system.kill()));
    throw failed.reason;
  }
  const systems = Object.fromEntries(started) as Record<HttpSystem, RunningSystem>;
  const env = Object.fromEntries(HTTP_SYSTEMS.map((key) => [describeSystem(key).urlSetting!, systems[key].url]));
  return { systems, env };
}
