/**
 * The import's adaptive pace (#21) on what a real task queue shows: the reader the import uses
 * (DescribeTaskQueue with its stats) sees workflow tasks wait in a queue no worker polls, and the
 * gate over it falls to its minimum there; over a queue that keeps up (nothing waits) the same
 * gate climbs. The pace's rules alone are test/import-pace.unit.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adaptiveGate, caseQueueReader } from '../activities/import-pace.js';
import type { PaceSettings } from '../imports/pace.js';
import { BULK_PRIORITY_KEY, canChangePriority } from '../imports/priority.js';
import { eventually } from './systems.js';

let connection: Connection;
let client: Client;
const namespace = inject('namespace');
const started: string[] = [];

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection, namespace });
});
afterAll(async () => {
  await Promise.all(
    started.map((id) =>
      client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined),
    ),
  );
  await connection?.close();
});

/** Sends `n` quick rows through the gate one after another, as an import's rows queue up behind it. */
async function rowsThrough(gate: { run<T>(w: () => Promise<T>): Promise<T> }, n: number) {
  for (let i = 0; i < n; i++) await gate.run(async () => undefined);
}

const settings: PaceSettings = { min: 1, max: 1000, step: 10, backlogMs: 500 };

describe('the adaptive pace against a real task queue', () => {
  it('reads tasks waiting where no worker polls, and falls to its minimum there', { timeout: 60_000 }, async () => {
    const taskQueue = `pace-backed-up-${randomUUID()}`;
    const read = caseQueueReader(client, namespace, taskQueue);
    expect((await read()).backlogCount).toBe(0);
    // Workflows nobody works on: their first workflow tasks wait, as a caseworker's would behind an import.
    for (let i = 0; i < 5; i++) {
      const workflowId = `pace-${randomUUID()}`;
      await client.workflow.start('nobodyRunsThis', { taskQueue, workflowId });
      started.push(workflowId);
    }
    const waiting = await eventually(
      async () => {
        const r = await read();
        return r.backlogCount >= 1 && r.backlogAgeMs > settings.backlogMs ? r : undefined;
      },
      30_000,
      'the backlog in the queue stats',
    );
    expect(waiting.backlogAgeMs).toBeGreaterThan(settings.backlogMs);

    const gate = adaptiveGate(settings, read, { everyMs: 200, start: 40 });
    try {
      await rowsThrough(gate, 20);
      expect(gate.rate).toBe(settings.min);
    } finally {
      gate.stop();
    }
  });

  it(
    'counts what waits ahead of the bulk key where the server dispatches by key, and all of it where not',
    { timeout: 60_000 },
    async () => {
      const taskQueue = `pace-bulk-${randomUUID()}`;
      const read = caseQueueReader(client, namespace, taskQueue);
      // Three imported cases at the bulk key and two caseworkers' cases at the default, nobody working on them.
      for (const priorityKey of [BULK_PRIORITY_KEY, BULK_PRIORITY_KEY, BULK_PRIORITY_KEY, undefined, undefined]) {
        const workflowId = `pace-${randomUUID()}`;
        await client.workflow.start('nobodyRunsThis', {
          taskQueue,
          workflowId,
          ...(priorityKey ? { priority: { priorityKey } } : {}),
        });
        started.push(workflowId);
      }
      // A 1.29 server (the dev server here) dispatches in order whatever the key, and counts every
      // waiting task under the default key; a server from 1.30 on dispatches by key and counts by it.
      const byKey = canChangePriority((await client.workflowService.getSystemInfo({})).serverVersion);
      const reading = await eventually(
        async () => {
          const r = await read();
          return r.backlogCount === (byKey ? 2 : 5) ? r : undefined;
        },
        30_000,
        'the backlog in the queue stats',
      );
      expect(reading.backlogAgeMs).toBeGreaterThan(0);
    },
  );

  it('climbs over a queue where nothing waits', { timeout: 60_000 }, async () => {
    const read = caseQueueReader(client, namespace, `pace-keeping-up-${randomUUID()}`);
    const gate = adaptiveGate(settings, read, { everyMs: 200, start: 10 });
    try {
      await rowsThrough(gate, 30);
      expect(gate.rate).toBeGreaterThan(10);
    } finally {
      gate.stop();
    }
  });
});
