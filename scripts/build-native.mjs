// Builds build/Release/cross_encoder.node with cmake-js (Node-API headers come from node-api-headers, so
// nothing is downloaded). Used by `npm run build:native` and by the package's install script.
// A build directory left by a failed or different configure is reset first (cmake-js alone would skip the
// configure step whenever CMakeCache.txt exists, and then fail with "loading 'build.ninja'").
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chosenGenerator, missingPrerequisites } from './build-prerequisites.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build');
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const parallel = process.env.CE_BUILD_JOBS ?? String(Math.max(1, availableParallelism()));
const PREBUILT_PLATFORMS = 'linux-x64 or linux-arm64 (glibc or musl), darwin-x64 or darwin-arm64';

function fail(lines) {
  console.error(`cross-encoder: cannot build the native addon from source:\n${lines.map((l) => `  - ${l}`).join('\n')}`);
  console.error(
    'A build from source needs cmake >= 3.20, a C++20 compiler (g++ >= 11 or clang >= 14) and ninja or make ' +
      '(Debian/Ubuntu: apt install cmake g++ make); no other library. Fix what is listed ' +
      `and run the install again (nothing needs deleting), or use a platform with a prebuilt binary: ${PREBUILT_PLATFORMS}.`,
  );
  process.exit(1);
}

/** Removes the configure state (cache and probe results; compiled objects stay), so cmake starts over. */
function resetConfigureState(why) {
  console.error(`cross-encoder: ${why}; the next configure of build/ starts afresh`);
  rmSync(join(buildDir, 'CMakeCache.txt'), { force: true });
  rmSync(join(buildDir, 'CMakeFiles'), { recursive: true, force: true });
}

/** Why build/ cannot be built as it is (and must be configured again), or undefined when it can. */
function staleConfigure(generator) {
  const cache = join(buildDir, 'CMakeCache.txt');
  if (!existsSync(cache)) return undefined;  // cmake-js configures a build/ without a cache itself
  const cachedGenerator = readFileSync(cache, 'utf8').match(/^CMAKE_GENERATOR:INTERNAL=(.*)$/m)?.[1];
  if (cachedGenerator !== generator) return `build/ was configured for ${cachedGenerator ?? 'an unknown generator'}, now ${generator} is used`;
  const buildFile = generator === 'Ninja' ? 'build.ninja' : 'Makefile';
  if (!existsSync(join(buildDir, buildFile))) return `build/ holds a CMake cache but no ${buildFile} (an earlier configure failed)`;
  return undefined;
}

function cmakeJsRun(command, generator) {
  // --prefer-make when ninja is absent makes cmake-js's choice explicit (it would pick make then anyway).
  const args = [cmakeJs, command, '--directory', root, ...(generator === 'Ninja' ? [] : ['--prefer-make'])];
  if (command === 'build') args.push('--parallel', parallel);
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.error) fail([`could not run cmake-js: ${result.error.message}`]);
  return result.status ?? 1;
}

const missing = missingPrerequisites();
if (missing.length) fail(missing);

const generator = chosenGenerator();
const stale = staleConfigure(generator);
if (stale) resetConfigureState(stale);
if (!existsSync(join(buildDir, 'CMakeCache.txt'))) {
  if (cmakeJsRun('configure', generator) !== 0) {
    // A failed configure leaves a cache that would make the next attempt skip configuring: drop it.
    resetConfigureState('the configure step failed');
    fail(['CMake could not configure the build (its messages above say why)']);
  }
}
if (cmakeJsRun('build', generator) !== 0) {
  fail(['the compile failed (the compiler messages above say why)']);
}
