// The package's npm install hook. Where a prebuilt binary for this platform loads (prebuilds/<platform>-<arch>/,
// picked by node-gyp-build exactly as lib/native.ts picks it at run time), there is nothing to do and no
// compiler is needed. Otherwise build from source with cmake-js (scripts/build-native.mjs), saying why first;
// that script ends with what to install when the build is impossible.
// A source checkout (cpp/tests/ present: the published package leaves it out) always builds from source, as do
// `npm install --build-from-source` and CE_BUILD_FROM_SOURCE=1.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function buildFromSource(reason) {
  if (reason) console.error(`cross-encoder: ${reason}; building the native addon from source (cmake-js).`);
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'build-native.mjs')], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

const sourceCheckout = existsSync(join(root, 'cpp', 'tests'));
const forced = process.env.npm_config_build_from_source === 'true' || process.env.CE_BUILD_FROM_SOURCE === '1';
if (sourceCheckout || forced) buildFromSource(forced ? 'a build from source was requested' : '');

let prebuild;
try {
  prebuild = require('node-gyp-build').path(root);
} catch {
  buildFromSource(`no prebuilt binary for ${process.platform}-${process.arch} in this package`);
}
// Load it in a child process: a binary that cannot load here (e.g. an older glibc) must not take npm down.
const probe = spawnSync(process.execPath, ['-e', 'require(process.argv[1])', prebuild], { encoding: 'utf8' });
if (probe.status !== 0) {
  const why = (probe.stderr || '').split('\n').find((line) => /Error/.test(line)) ?? `exit ${probe.status}`;
  buildFromSource(`the prebuilt binary ${relative(root, prebuild)} does not load here (${why.trim()})`);
}
console.log(`cross-encoder: using the prebuilt binary ${relative(root, prebuild)}`);
