// The package's prepack step: `npm pack` and `npm publish` must never produce a package without its prebuilt
// binaries (an install would then need a compiler everywhere). Each folder of PREBUILDS must hold a .node file
// newer than every native source; stale or missing ones are built with `npm run prebuild`, and when that is
// impossible the pack is refused with what to do. CE_PREPACK_NO_BUILD=1 only checks.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

import { PREBUILD_TARGETS, prebuildPath } from './prebuild-targets.mjs';

/** Every prebuilt binary the package ships (scripts/prebuild-targets.mjs), and the `npm run prebuild` arguments that make it. */
export const PREBUILDS = Object.keys(PREBUILD_TARGETS).map((name) => ({
  dir: name,
  file: prebuildPath(name),
  prebuildArgs: ['--targets', name],
}));

function* nativeSources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (relative(root, path) !== join('cpp', 'tests')) yield* nativeSources(path);
    } else if (/\.(cpp|h|hpp|cc)$/.test(entry.name)) {
      yield path;
    }
  }
}

/** The newest file the binaries are compiled from, as {path, mtimeMs}. */
function newestSource() {
  let newest = { path: join(root, 'CMakeLists.txt'), mtimeMs: statSync(join(root, 'CMakeLists.txt')).mtimeMs };
  for (const top of ['cpp', 'binding']) {
    for (const path of nativeSources(join(root, top))) {
      const { mtimeMs } = statSync(path);
      if (mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
    }
  }
  return newest;
}

/** Why each prebuilt folder cannot be shipped as it is: [{dir, prebuildArgs, why}]. */
export function stalePrebuilds() {
  const source = newestSource();
  const stale = [];
  for (const prebuild of PREBUILDS) {
    const file = join(root, prebuild.file);
    if (!existsSync(file)) {
      stale.push({ ...prebuild, why: `${prebuild.file} is missing` });
      continue;
    }
    if (statSync(file).mtimeMs < source.mtimeMs) {
      stale.push({ ...prebuild, why: `${prebuild.file} is older than ${relative(root, source.path)}` });
    }
  }
  return stale;
}

function refuse(stale, extra) {
  console.error('cross-encoder prepack: refusing to pack without current prebuilt binaries:');
  for (const s of stale) console.error(`  - ${s.why}`);
  if (extra) console.error(extra);
  console.error('Run `npm run prebuild` (its Zig toolchain comes from scripts/setup.sh), then pack again.');
  process.exit(1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let stale = stalePrebuilds();
  if (stale.length && process.env.CE_PREPACK_NO_BUILD === '1') refuse(stale);
  for (const s of stale) {
    console.error(`cross-encoder prepack: ${s.why}; building it (npm run prebuild -- ${s.prebuildArgs.join(' ')})`);
    const result = spawnSync('npm', ['run', 'prebuild', '--', ...s.prebuildArgs], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) refuse([s], `  (npm run prebuild failed: ${result.error?.message ?? `exit ${result.status}`})`);
  }
  stale = stalePrebuilds();
  if (stale.length) refuse(stale);
  console.error(`cross-encoder prepack: prebuilds current for ${PREBUILDS.map((p) => p.dir).join(', ')}`);
}
