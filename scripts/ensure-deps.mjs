// Installs the npm dependencies when they are missing or the manifest changed since the last
// install, so that `npm start` and `npm test` work on a fresh clone. Plain Node: it runs before
// anything is installed.
//
// `npm install` rather than `npm ci`: npm 11 leaves @swc/core's optional platform packages out of
// the lock file, and `npm ci` then refuses it as out of sync. With a lock file present,
// `npm install` still installs exactly the locked versions.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

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
