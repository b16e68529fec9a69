/**
 * The workflow tier's one server: the SDK's test environment (`@temporalio/testing`) running the
 * Temporal CLI the project builds, not one it downloads (there is no download here), with the
 * case search attributes registered at launch; the workflow code bundled once. No API, no
 * reference systems: each test file runs a worker with stubbed activities (test/workflow-harness.ts).
 * TEMPORAL_ADDRESS set: use that server instead and start none.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { resolveTemporalCli } from '../temporal/cli.js';
import { prepareNamespace } from '../temporal/server.js';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/search-attributes.js';
import { provideRun } from './provide-run.js';

const NAMESPACE = 'asylum-cases-workflow-test';

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'case-tracker-workflow-test-'));
  let env: TestWorkflowEnvironment | undefined;
  const teardown = async () => {
    await env?.teardown();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const cli = await resolveTemporalCli({ log: (line) => console.error(`[temporal] ${line}`) });
    if (!cli.ok) throw new Error(cli.error);
    if (cli.value.kind === 'external') {
      env = await TestWorkflowEnvironment.createFromExistingServer({
        address: cli.value.address,
        namespace: NAMESPACE,
      });
      await prepareNamespace(env.connection, NAMESPACE, 1);
    } else {
      env = await TestWorkflowEnvironment.createLocal({
        server: {
          executable: { type: 'existing-path', path: cli.value.path },
          namespace: NAMESPACE,
          searchAttributes: SEARCH_ATTRIBUTE_KEYS,
          log: { format: 'pretty', level: 'error' },
        },
      });
    }

    await provideRun(project, dir, env.address, NAMESPACE);
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
