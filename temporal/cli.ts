/**
 * Finds the Temporal CLI (which carries the dev server: SQLite persistence and the web UI),
 * building it once from Go modules when nothing else is at hand.
 *
 * Order, first match wins, and the answer says which one it used:
 *   1. TEMPORAL_ADDRESS set     → use that server, start none
 *   2. TEMPORAL_CLI set         → that binary
 *   3. `temporal` on PATH
 *   4. the cache outside the work tree ($XDG_CACHE_HOME or ~/.cache)/asylum-case-tracker/temporal-cli-<version>/
 *   5. `go install` into that cache (minutes, first run only)
 * No Go and no binary → an error value whose message says what to install or set.
 *
 * No Temporal server can come from a package registry here, and the SDK's test helper downloads
 * a binary at run time, so the project builds its own.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { goInstall, productCacheDir } from './go-build.js';

/** The newest CLI release that `go install` accepts: later ones carry a `replace` directive. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

export type CliSource = 'TEMPORAL_CLI' | 'PATH' | 'cache' | 'built';
export type CliResolution =
  | { kind: 'external'; address: string; description: string }
  | { kind: 'binary'; path: string; source: CliSource; description: string };
export type CliResult = { ok: true; value: CliResolution } | { ok: false; error: string };

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** Progress lines (the build takes minutes; say so). */
  log?: (line: string) => void;
  /** false: report what would be used without building (for `--dry-run` and tests). */
  build?: boolean;
}

export const cacheDir = (env: NodeJS.ProcessEnv = process.env): string =>
  productCacheDir(`temporal-cli-${TEMPORAL_CLI_VERSION}`, env);

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Like `which`: the first executable `name` on the PATH of `env`. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export async function resolveTemporalCli(options: ResolveOptions = {}): Promise<CliResult> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});

  if (env.TEMPORAL_ADDRESS) {
    return ok({
      kind: 'external',
      address: env.TEMPORAL_ADDRESS,
      description: `TEMPORAL_ADDRESS=${env.TEMPORAL_ADDRESS} (using that server, starting none)`,
    });
  }
  if (env.TEMPORAL_CLI) {
    if (!isExecutable(env.TEMPORAL_CLI))
      return fail(
        `TEMPORAL_CLI=${env.TEMPORAL_CLI} is not an executable file. Point it at a temporal binary, or unset it.`,
      );
    return ok(binary(env.TEMPORAL_CLI, 'TEMPORAL_CLI'));
  }
  const onPath = findOnPath('temporal', env);
  if (onPath) return ok(binary(onPath, 'PATH'));

  const dir = cacheDir(env);
  const cached = join(dir, 'temporal');
  if (isExecutable(cached)) return ok(binary(cached, 'cache'));

  const go = findOnPath('go', env);
  if (!go) {
    return fail(
      [
        'No Temporal CLI was found and there is no Go toolchain to build one.',
        `  Install Go 1.23 or newer (e.g. \`apt-get install golang\` or from go.dev) and run again: the CLI ${TEMPORAL_CLI_VERSION} is built once into ${dir}`,
        '  or set TEMPORAL_CLI=/path/to/temporal (a Temporal CLI binary you have),',
        '  or set TEMPORAL_ADDRESS=host:7233 to use a Temporal server that is already running.',
      ].join('\n'),
    );
  }
  if (options.build === false)
    return fail(`would build the Temporal CLI ${TEMPORAL_CLI_VERSION} with ${go} into ${dir}`);

  const built = await goInstall({
    go,
    packages: [`${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`],
    dir,
    what: 'the Temporal CLI',
    env,
    log,
  });
  return built.ok ? ok(binary(built.value[0]!, 'built')) : built;
}

function binary(path: string, source: CliSource): CliResolution {
  const how: Record<CliSource, string> = {
    TEMPORAL_CLI: 'from TEMPORAL_CLI',
    PATH: 'found on PATH',
    cache: 'from the cache (built on an earlier run)',
    built: 'built just now with Go',
  };
  return { kind: 'binary', path, source, description: `Temporal CLI ${how[source]}: ${path}` };
}

const ok = (value: CliResolution): CliResult => ({ ok: true, value });
const fail = (error: string): CliResult => ({ ok: false, error });

// `npm run temporal:cli` — resolve (building if needed) and say which one.
if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await resolveTemporalCli({
    log: (line) => console.error(line),
    build: !process.argv.includes('--dry-run'),
  });
  if (!result.ok) {
    console.error(result.error);
    process.exit(1);
  }
  console.log(result.value.description);
}
