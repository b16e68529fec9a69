// The browser tests drive Debian's Chromium (a test tool's own browser download cannot work on
// these machines). Present: nothing to do. Missing: install it with apt when we are allowed to,
// otherwise say exactly what to install. CHROMIUM_PATH names another binary.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);
const apt = existsSync('/usr/bin/apt-get');
const root = process.getuid?.() === 0;
if (!apt || !root) {
  console.error(
    `The browser tests need Chromium at ${path}. Install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH.`,
  );
  process.exit(1);
}
console.error("[chromium] installing Debian's chromium for the browser tests (once)…");
const run = (args) =>
  execFileSync('apt-get', args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
try {
  run(['install', '-y', '--no-install-recommends', 'chromium']);
} catch {
  run(['update']);
  run(['install', '-y', '--no-install-recommends', 'chromium']);
}
if (!existsSync(path)) {
  console.error(`apt-get finished but ${path} is not there.`);
  process.exit(1);
}
