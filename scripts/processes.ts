/**
 * Child processes of the project (worker, API, reference systems) run the same way from
 * `npm start` and from tests: TypeScript through tsx, output prefixed or captured, and stopped
 * with SIGTERM, then SIGKILL after a grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Service {
  name: string;
  process: ChildProcess;
  exited: Promise<number | null>;
  stop(graceMs?: number): Promise<void>;
  kill(): Promise<void>;
}

export interface SpawnOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Node's own flags, e.g. --cpu-prof to profile (NODE_OPTIONS refuses those). */
  nodeArgs?: string[];
  /** Each output line, e.g. to print with a prefix or to keep for a failing test. */
  onLine?: (line: string) => void;
}

/**
 * A folder of scripts bundled once to plain JavaScript (`<script>.mjs`, e.g. `systems/server.ts.mjs`),
 * used instead of compiling the script through tsx at each start. The test run sets it
 * (test/service-bundles.ts): it starts the reference systems over a hundred times, and tsx's
 * start-up was about half a second of CPU each on two cores. Unset, or no bundle for a script: tsx.
 */
export const SERVICE_BUNDLES_ENV = 'SERVICE_BUNDLES_DIR';

/** How to run `script`: its bundle if the run has one, else the TypeScript through tsx. */
function entryOf(script: string): string[] {
  const dir = process.env[SERVICE_BUNDLES_ENV];
  const bundle = dir ? join(dir, `${script}.mjs`) : undefined;
  return bundle && existsSync(bundle) ? [bundle] : ['--import', 'tsx', script];
}

export function spawnService(name: string, script: string, options: SpawnOptions = {}): Service {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...entryOf(script), ...(options.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onLine = options.onLine ?? (() => {});
  for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on('line', onLine);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    process: child,
    exited,
    async stop(graceMs = 10_000) {
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (!alive()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Polls `url` until it answers 2xx, or throws after `timeoutMs` (or when `service` dies first). */
export async function waitForHttp(url: string, timeoutMs: number, service?: Service): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let died = false;
  void service?.exited.then(() => (died = true));
  while (Date.now() < deadline) {
    if (died) throw new Error(`${service?.name} exited before ${url} was ready`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms`);
}
