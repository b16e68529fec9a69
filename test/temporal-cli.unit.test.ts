/** The resolver's order, its cache and its build, with fake binaries in throw-away folders. */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheDir, resolveTemporalCli, TEMPORAL_CLI_MODULE, TEMPORAL_CLI_VERSION } from '../temporal/cli.js';
import { ROOT } from '../scripts/processes.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-resolver-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function executable(path: string, script = '#!/bin/sh\nexit 0\n'): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, script);
  chmodSync(path, 0o755);
  return path;
}

/** An environment with nothing on it but what the test puts there. */
const bareEnv = (extra: Record<string, string> = {}) => ({
  HOME: join(dir, 'home'),
  XDG_CACHE_HOME: join(dir, 'cache'),
  PATH: join(dir, 'empty-bin'),
  ...extra,
});

describe('resolveTemporalCli', () => {
  it('uses the server at TEMPORAL_ADDRESS and starts none, before anything else', async () => {
    const result = await resolveTemporalCli({
      env: bareEnv({ TEMPORAL_ADDRESS: 'temporal.example:7233', TEMPORAL_CLI: '/nope' }),
    });
    expect(result).toMatchObject({ ok: true, value: { kind: 'external', address: 'temporal.example:7233' } });
  });

  it('uses TEMPORAL_CLI, and says so when it is not an executable', async () => {
    const cli = executable(join(dir, 'somewhere', 'temporal'));
    executable(join(dir, 'bin', 'temporal'));
    expect(await resolveTemporalCli({ env: bareEnv({ TEMPORAL_CLI: cli, PATH: join(dir, 'bin') }) })).toMatchObject({
      ok: true,
      value: { path: cli, source: 'TEMPORAL_CLI' },
    });
    const missing = await resolveTemporalCli({ env: bareEnv({ TEMPORAL_CLI: join(dir, 'missing') }) });
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.error).toContain('TEMPORAL_CLI');
  });

  it('finds temporal on PATH before the cache', async () => {
    const onPath = executable(join(dir, 'bin', 'temporal'));
    executable(join(cacheDir(bareEnv()), 'temporal'));
    expect(
      await resolveTemporalCli({ env: bareEnv({ PATH: `${join(dir, 'nothing')}:${join(dir, 'bin')}` }) }),
    ).toMatchObject({ ok: true, value: { path: onPath, source: 'PATH' } });
  });

  it('finds an earlier build in the cache, named for the product and the CLI version', async () => {
    const env = bareEnv();
    expect(cacheDir(env)).toBe(join(dir, 'cache', 'asylum-case-tracker', `temporal-cli-${TEMPORAL_CLI_VERSION}`));
    expect(cacheDir({ HOME: join(dir, 'home') })).toBe(
      join(dir, 'home', '.cache', 'asylum-case-tracker', `temporal-cli-${TEMPORAL_CLI_VERSION}`),
    );
    const cached = executable(join(cacheDir(env), 'temporal'));
    expect(await resolveTemporalCli({ env })).toMatchObject({ ok: true, value: { path: cached, source: 'cache' } });
  });

  it('builds with go install into the cache once, says so first, and reuses the build next time', async () => {
    // A stand-in for go: records its arguments and GOBIN, and "builds" a binary there.
    const args = join(dir, 'go-args');
    executable(
      join(dir, 'bin', 'go'),
      `#!/bin/sh\necho "$@" > ${args}\necho "GOBIN=$GOBIN" >> ${args}\necho "go: downloading example.com/m v1.0.0" >&2\nprintf '#!/bin/sh\\necho built\\n' > "$GOBIN/temporal"\n/bin/chmod +x "$GOBIN/temporal"\n`,
    );
    const env = bareEnv({ PATH: join(dir, 'bin') });
    const lines: string[] = [];
    const built = await resolveTemporalCli({ env, log: (l) => lines.push(l) });
    expect(built).toMatchObject({ ok: true, value: { source: 'built', path: join(cacheDir(env), 'temporal') } });
    expect(lines[0]).toContain('building the Temporal CLI, first run only');
    expect(lines.at(-1)).toMatch(/built the Temporal CLI in \d+ s \(1 modules downloaded\)/);
    const recorded = readFileSync(args, 'utf8');
    expect(recorded).toContain(`install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`);
    expect(recorded).toContain(`GOBIN=${cacheDir(env)}/.build-`); // staged, then renamed into place
    rmSync(args);
    expect(await resolveTemporalCli({ env })).toMatchObject({ ok: true, value: { source: 'cache' } });
    expect(existsSync(args)).toBe(false); // go was not run again
  });

  it('reports a failed build with go output, and leaves no half-built binary behind', async () => {
    executable(join(dir, 'bin', 'go'), '#!/bin/sh\necho "go: module lookup disabled" >&2\nexit 1\n');
    const env = bareEnv({ PATH: join(dir, 'bin') });
    const result = await resolveTemporalCli({ env });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain('go: module lookup disabled');
    expect(existsSync(join(cacheDir(env), 'temporal'))).toBe(false);
  });

  it('without Go or a binary, says exactly what to install or set', async () => {
    const result = await resolveTemporalCli({ env: bareEnv() });
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.error;
    expect(message).toContain('Install Go');
    expect(message).toContain('TEMPORAL_CLI=');
    expect(message).toContain('TEMPORAL_ADDRESS=');
  });
});

describe('npm run temporal:cli with PATH stripped', () => {
  it('exits 1 with the clear message and no stack trace', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'temporal/cli.ts'], {
      cwd: ROOT,
      env: bareEnv(),
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('No Temporal CLI was found and there is no Go toolchain');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
