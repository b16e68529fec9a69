/**
 * One Temporal dev server for the whole run (the one the project builds), on free ports with a
 * throw-away database; the namespace prepared; the workflow code bundled once. Torn down even
 * when tests fail. TEMPORAL_ADDRESS set: use that server instead and start none.
 * TEMPORAL_TOPOLOGY=cluster (`npm run test:cluster`): the Temporal server on PostgreSQL instead,
 * with databases of this run's own, dropped at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import type { TestProject } from 'vitest/node';
import { startOwnTemporal, type OwnTemporal } from '../temporal/own.js';
import { prepareNamespace } from '../temporal/server.js';
import { freePort } from './ports.js';
import { provideRun } from './provide-run.js';
import { bundleServices } from './service-bundles.js';

const NAMESPACE = 'asylum-cases-test';

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'case-tracker-test-'));
  let temporal: OwnTemporal | undefined;
  let unbundle: (() => void) | undefined;
  const teardown = async () => {
    await temporal?.destroy();
    unbundle?.();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    unbundle = await bundleServices('stack');
    temporal = await startOwnTemporal({
      dir,
      namespace: NAMESPACE,
      tag: 'test',
      freePort,
      log: (line) => console.error(`[temporal] ${line}`),
    });
    const { address } = temporal;
    const connection = await Connection.connect({ address });
    await prepareNamespace(connection, NAMESPACE, 30);
    await connection.close();

    await provideRun(project, dir, address, NAMESPACE);
    // The bytes a test may search for what must not be stored in clear ('': not a dev server).
    project.provide('temporalDbFile', temporal.dbFile ?? '');
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
