// Installs the npm dependencies when they are missing or the manifest changed since the last
// install, so that `npm start` and `npm test` work on a fresh clone. Plain Node: it runs before
// anything is installed.
//
// `npm install` rather than `npm ci`: npm 11 leaves @swc/core's optional platform packages out of
// the lock file, and `npm ci` then refuses it as out of sync. With a lock file present,
// `npm install` still installs exactly the locked versions.
//
// better-sqlite3 (the reporting model's embedded store) is a native addon: with no internet its
// prebuilt binary cannot be fetched, and compiling SQLite took 70 of the install's 110 seconds on
// two cores, on every clean clone. So npm does not run its install script (allowScripts in
// package.json); it is compiled here once per version, Node ABI and platform, kept in the same
// cache outside the work tree as the Temporal CLI, and copied from there on later installs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

const stampFile = 'node_modules/.asylum-case-tracker-deps';
const stamp = () =>
  createHash('sha256')
    .update(readFileSync('package.json'))
    .update(existsSync('package-lock.json') ? readFileSync('package-lock.json') : '')
    .digest('hex');

if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp()) {
  console.error('installing npm dependencies…');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(
      result.error
        ? `could not run npm: ${result.error.message}`
        : `npm install failed with exit code ${result.status}`,
    );
    process.exit(result.status || 1);
  }
  writeFileSync(stampFile, stamp());
}

const SQLITE_PACKAGE = 'node_modules/better-sqlite3';
const SQLITE_ADDON = join(SQLITE_PACKAGE, 'build', 'Release', 'better_sqlite3.node');

if (!existsSync(SQLITE_ADDON)) {
  const { version } = JSON.parse(readFileSync(join(SQLITE_PACKAGE, 'package.json'), 'utf8'));
  // The same cache as temporal/cli.ts's: $XDG_CACHE_HOME or ~/.cache, then the project's folder.
  const cacheRoot = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'asylum-case-tracker');
  const cached = join(
    cacheRoot,
    `better-sqlite3-${version}-node-abi${process.versions.modules}-${process.platform}-${process.arch}`,
    'better_sqlite3.node',
  );
  if (!existsSync(cached)) {
    console.error(`building better-sqlite3 ${version}, first run only (a minute or two)…`);
    // Its own build script: node-gyp, as npm would have run it, without the prebuilt download it cannot make.
    const built = spawnSync('npm', ['run', 'build-release'], { cwd: SQLITE_PACKAGE, encoding: 'utf8' });
    if (built.status !== 0 || !existsSync(SQLITE_ADDON)) {
      // The compiler's warnings only when it failed: a successful build prints none of them.
      console.error(`${built.stdout ?? ''}${built.stderr ?? ''}`);
      console.error(`building better-sqlite3 failed (exit code ${built.status}); a C++ compiler and Python are needed`);
      process.exit(built.status || 1);
    }
    mkdirSync(dirname(cached), { recursive: true });
    // Written aside, then renamed: a build interrupted halfway never looks like a cached one.
    copyFileSync(SQLITE_ADDON, `${cached}.partial`);
    renameSync(`${cached}.partial`, cached);
  } else {
    mkdirSync(dirname(SQLITE_ADDON), { recursive: true });
    copyFileSync(cached, SQLITE_ADDON);
  }
}
