// test:asan-node: the Node tests that drive the addon hardest (API, boundary, misuse, workers, malformed files,
// scheduler) against an ASan + UBSan build of it (CE_SANITIZE, in build/asan-addon), loaded through
// CROSS_ENCODER_ADDON with libasan preloaded into an uninstrumented Node. Any sanitizer report aborts the process
// it happens in, which fails its test; leak checking is off (V8 and Node keep allocations to exit on purpose).
//   node scripts/test-asan-node.mjs [test files...]   (default: ASAN_NODE_TESTS)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chosenGenerator, missingPrerequisites } from './build-prerequisites.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build', 'asan-addon');
const addon = join(buildDir, 'Release', 'cross_encoder.node');
const jobs = process.env.CE_BUILD_JOBS ?? String(Math.max(1, availableParallelism()));
const ASAN_NODE_TESTS = ['api', 'boundary', 'native-misuse', 'workers', 'malformed', 'scheduler', 'errors']
  .map((name) => `test/${name}.test.ts`);
const tests = process.argv.slice(2).length ? process.argv.slice(2) : ASAN_NODE_TESTS;

function fail(message) {
  console.error(`test:asan-node: FAILED: ${message}`);
  process.exit(1);
}

function run(command, args, env = process.env) {
  console.error(`test:asan-node: $ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.error) fail(`${command}: ${result.error.message}`);
  return result.status ?? 1;
}

if (process.platform !== 'linux') fail('needs Linux (LD_PRELOAD of the compiler\'s libasan)');
const missing = missingPrerequisites();
if (missing.length) fail(missing.join('; '));

// 1. The instrumented addon, beside the plain build (cmake-js configures build/asan-addon on its first run).
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const generatorArgs = chosenGenerator() === 'Ninja' ? [] : ['--prefer-make'];
const started = Date.now();
// -O1 for everything (ASan's recommended level; at -O3, g++ with ASan + UBSan took minutes per unit that used
// nlohmann-json, which the core no longer does); NDEBUG as in the shipped build, so the same code paths run.
const optimisation = ['--CDCE_CORE_OPTIMIZATION=-O1', '--CDCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG'];
if (run(process.execPath, [cmakeJs, 'build', '--directory', root, '--out', buildDir, '--CDCE_SANITIZE=ON',
  ...optimisation, '--parallel', jobs, ...generatorArgs]) !== 0) fail('the ASan build of the addon failed');
if (!existsSync(addon)) fail(`the build did not produce ${addon}`);
const builtSeconds = (Date.now() - started) / 1000;

// 2. The runtime the addon was linked against must come first in the process: Node itself is not instrumented.
const cxx = process.env.CXX?.trim().split(/\s+/)[0] || 'c++';
const probe = spawnSync(cxx, ['-print-file-name=libasan.so'], { encoding: 'utf8' });
const libasan = probe.stdout?.trim();
if (!libasan || !existsSync(libasan)) fail(`${cxx} -print-file-name=libasan.so found no libasan (install the compiler's ASan runtime)`);

const env = {
  ...process.env,
  CROSS_ENCODER_ADDON: addon,
  LD_PRELOAD: libasan,
  // detect_leaks=0: LeakSanitizer would report V8's and Node's intentionally unfreed memory at exit.
  // abort_on_error: a report kills the process (a test's child or the runner), so it cannot pass unnoticed.
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1:strict_string_checks=1',
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
};
delete env.NODE_OPTIONS;

// 3. Proof that the tests will run the instrumented addon: a child loads it the way the library does and finds
// the ASan runtime and the asan-addon file mapped into itself.
const check = spawnSync(process.execPath, ['--import', 'tsx', '-e', `
  const { native, nativeAddonPath } = require('./lib/native.ts');
  native();
  const maps = require('node:fs').readFileSync('/proc/self/maps', 'utf8');
  console.log(JSON.stringify({ path: nativeAddonPath(), addonMapped: maps.includes(nativeAddonPath()), asan: /libasan/.test(maps) }));
`], { cwd: root, env, encoding: 'utf8' });
let loaded;
try {
  loaded = JSON.parse(check.stdout.trim().split('\n').at(-1));
} catch {
  fail(`the load check printed no result (status ${check.status}): ${check.stderr}`);
}
if (loaded.path !== addon || !loaded.addonMapped || !loaded.asan)
  fail(`the tests would not run the ASan addon: ${JSON.stringify(loaded)}`);

// 4. The tests, one runner process each file (node --test's default), under the sanitizer.
const testStarted = Date.now();
const status = run(process.execPath, ['--import', 'tsx', '--test', ...tests], env);
const testSeconds = (Date.now() - testStarted) / 1000;
console.error(`test:asan-node: build ${builtSeconds.toFixed(0)} s, tests ${testSeconds.toFixed(0)} s (${tests.length} files)`);
if (status !== 0) fail(`the tests failed under ASan + UBSan (exit ${status}): a sanitizer report above names the fault`);
console.error('test:asan-node: OK');
