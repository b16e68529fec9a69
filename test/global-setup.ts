/**
 * One Temporal dev server for the whole run (the one the project builds), on free ports with a
 * throw-away database; the namespace prepared; the workflow code bundled once. Torn down even
 * when tests fail. TEMPORAL_ADDRESS set: use that server instead and start none.
 * TEMPORAL_TOPOLOGY=cluster (`npm run test:cluster`): the Temporal server on PostgreSQL instead,
 * with databases of this run's own, dropped at the end.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startOwnTemporal, type OwnTemporal } from '../temporal/own.js';
import { prepareNamespace } from '../temporal/server.js';
import { WORKFLOWS_PATH } from '../worker.js';
import { freePort } from './ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    namespace: string;
    workflowBundlePath: string;
  }
}

const NAMESPACE = 'asylum-cases-test';

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'case-tracker-test-'));
  let temporal: OwnTemporal | undefined;
  const teardown = async () => {
    await temporal?.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
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

    const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
    const workflowBundlePath = join(dir, 'workflow-bundle.js');
    writeFileSync(workflowBundlePath, code);

    project.provide('temporalAddress', address);
    project.provide('namespace', NAMESPACE);
    project.provide('workflowBundlePath', workflowBundlePath);
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}

const noop = () => {};
const quietLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: (m: string) => console.error(m),
  log: noop,
};
