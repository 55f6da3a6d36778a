// Browser tests need Debian's Chromium at /usr/bin/chromium; install it when missing (root + apt-get), else explain in one line.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const binary = '/usr/bin/chromium';
if (!existsSync(binary)) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(
      `${binary} is missing and this user cannot install it: run 'sudo apt-get install -y chromium' first.`,
    );
    process.exit(1);
  }
  console.error(`${binary} is missing: installing Debian's chromium with apt-get...`);
  try {
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', {
      stdio: 'inherit',
    });
  } catch {
    console.error(`could not install chromium with apt-get: browser tests need ${binary}.`);
    process.exit(1);
  }
}
