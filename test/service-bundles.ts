/**
 * The scripts a test run starts again and again, bundled once with esbuild (the bundler tsx itself
 * runs on) into a folder of the run's own under node_modules/.cache, so that their packages still
 * resolve from the project's node_modules. spawnService (scripts/processes.ts) then runs the
 * bundle with plain Node. Only scripts whose code never finds files beside itself by
 * `import.meta.url` may be bundled: a bundle moves the code to another folder.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT, SERVICE_BUNDLES_ENV } from '../scripts/processes.js';

/** The reference systems: three per stack, restarted by the tests that take them down. */
const BUNDLED = ['systems/server.ts'];

/** Bundles them and points this process (and the test processes it starts) at them; returns the undo. */
export async function bundleServices(tag: string): Promise<() => void> {
  const dir = join(ROOT, 'node_modules', '.cache', 'asylum-case-tracker-tests', `${tag}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    for (const script of BUNDLED)
      await build({
        entryPoints: [join(ROOT, script)],
        outfile: join(dir, `${script}.mjs`),
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        // Packages stay imports (some are native, like better-sqlite3): only our own code is bundled.
        packages: 'external',
        logLevel: 'error',
      });
  } catch (err) {
    remove();
    throw err;
  }
  process.env[SERVICE_BUNDLES_ENV] = dir;
  return () => {
    delete process.env[SERVICE_BUNDLES_ENV];
    remove();
  };
}
