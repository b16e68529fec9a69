/**
 * Builds Go commands once into a cache outside the work tree (`go install` into a private GOBIN,
 * then renamed into place), so a build killed half-way, or two runs at once, never leave a
 * truncated binary where the next run would trust it. Used for the Temporal CLI (dev server) and
 * for the Temporal server and its SQL schema tool (the cluster).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const PRODUCT = 'asylum-case-tracker';

/** ($XDG_CACHE_HOME or ~/.cache)/asylum-case-tracker/<name> */
export function productCacheDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, PRODUCT, name);
}

export interface GoBuild {
  go: string;
  /** `module/path/cmd/x@version`, one per binary. */
  packages: string[];
  dir: string;
  /** What is being built, for the progress lines. */
  what: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export async function goInstall(b: GoBuild): Promise<{ ok: true; value: string[] } | { ok: false; error: string }> {
  // `go install` names each binary after the last path element of its package.
  const binaries = b.packages.map((p) => p.split('@')[0]!.split('/').at(-1)!);
  const staging = join(b.dir, `.build-${process.pid}`);
  mkdirSync(staging, { recursive: true });
  b.log(`building ${b.what}, first run only (go install ${b.packages.join(' ')}; a few minutes)…`);
  const started = Date.now();
  let downloads = 0;
  const tail: string[] = [];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(b.go, ['install', ...b.packages], {
      env: { ...b.env, GOBIN: staging, CGO_ENABLED: b.env.CGO_ENABLED ?? '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        if (line.startsWith('go: downloading')) {
          downloads += 1;
          if (downloads % 25 === 1) b.log(`  … ${downloads} modules downloaded so far (${seconds(started)} s)`);
        }
      }
    };
    child.stdout.on('data', onLine);
    child.stderr.on('data', onLine);
    const timer = setInterval(() => b.log(`  … still compiling (${seconds(started)} s)`), 30_000);
    child.on('error', () => resolve(-1));
    child.on('close', (status) => {
      clearInterval(timer);
      resolve(status);
    });
  });
  const missing = binaries.filter((name) => !existsSync(join(staging, name)));
  if (code !== 0 || missing.length > 0) {
    rmSync(staging, { recursive: true, force: true });
    return { ok: false, error: `Building ${b.what} failed (exit ${code}). Last lines from go:\n${tail.join('\n')}` };
  }
  const targets = binaries.map((name) => {
    renameSync(join(staging, name), join(b.dir, name));
    return join(b.dir, name);
  });
  rmSync(staging, { recursive: true, force: true });
  b.log(`built ${b.what} in ${seconds(started)} s (${downloads} modules downloaded): ${targets.join(', ')}`);
  return { ok: true, value: targets };
}

const seconds = (since: number) => Math.round((Date.now() - since) / 1000);
