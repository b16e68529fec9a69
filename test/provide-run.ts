/**
 * What a tier's global setup hands its test files: the server's address, the namespace, and the
 * workflow code bundled once for the whole run (into the run's own folder).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { FAILURE_CONVERTER_PATH } from '../config/temporal.js';
import { PRELOADED_MODULES, WORKFLOWS_PATH } from '../worker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    namespace: string;
    workflowBundlePath: string;
    /** The stack tier's dev server database file; '' on another topology (the workflow tier: unset). */
    temporalDbFile: string;
  }
}

export async function provideRun(
  project: TestProject,
  dir: string,
  temporalAddress: string,
  namespace: string,
): Promise<void> {
  // With the product's failure converter and shared modules, as worker.ts bundles it when it is given no bundle.
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    preloadModules: PRELOADED_MODULES,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: quietLogger,
  });
  const workflowBundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, code);
  project.provide('temporalAddress', temporalAddress);
  project.provide('namespace', namespace);
  project.provide('workflowBundlePath', workflowBundlePath);
}

const noop = () => {};
// The bundler's progress is noise in a test run; its errors are not.
const quietLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: (m: string) => console.error(m),
  log: noop,
};
