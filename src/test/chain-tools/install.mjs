// Installs the pinned npm chain tools (see package.json / package-lock.json) into a build directory.
// Usage: node install.mjs <toolsDir> [npmExecutable]
// Skips npm entirely when the directory already holds an install of the same lockfile,
// so repeated builds do not touch the network.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [toolsDir, npm = 'npm'] = process.argv.slice(2);
if (!toolsDir) {
  console.error('usage: node install.mjs <toolsDir> [npmExecutable]');
  process.exit(2);
}

const sourceDir = dirname(fileURLToPath(import.meta.url));
const manifests = ['package.json', 'package-lock.json'];
const lockHash = createHash('sha256').update(readFileSync(join(sourceDir, 'package-lock.json'))).digest('hex');
const stamp = join(toolsDir, 'node_modules', '.installed-lock-sha256');

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lockHash) {
  console.log(`[chain-tools] up to date in ${toolsDir}`);
  process.exit(0);
}

mkdirSync(toolsDir, { recursive: true });
for (const file of manifests) {
  copyFileSync(join(sourceDir, file), join(toolsDir, file));
}

console.log(`[chain-tools] npm ci in ${toolsDir}`);
// --ignore-scripts: the anvil package's postinstall only downloads a binary when the
// platform package is missing, and the harness reports that case itself.
const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], {
  cwd: toolsDir,
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
if (result.error) {
  console.error(`[chain-tools] cannot run '${npm}': ${result.error.message}. `
    + 'Install Node.js with npm, or point -Dnpm.executable at it, or build with -DskipChainTools.');
  process.exit(1);
}
if (result.status !== 0) {
  console.error(`[chain-tools] '${npm} ci' failed with exit code ${result.status}`);
  process.exit(result.status ?? 1);
}
writeFileSync(stamp, lockHash);
