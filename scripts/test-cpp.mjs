// test:cpp: configure, build and run the C++ GoogleTest suite of the core in build/core (no Node involved).
// test:arm64 (`--arm64`): the same suite cross-compiled for aarch64 (cmake/toolchains/) in build/arm64-core,
// run under qemu-user by ctest, so the NEON kernels are executed and checked, not assumed.
// test:asan (`--asan`): the whole suite with ASan + UBSan (CE_SANITIZE; any report fails) in build/asan-core.
// test:tsan (`--tsan`): the threaded suites (TSAN_TESTS) with ThreadSanitizer (CE_TSAN) in build/tsan-core.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { compilerCacheEnv } from './compiler-cache.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arm64 = process.argv.includes('--arm64');
const asan = process.argv.includes('--asan');
const tsan = process.argv.includes('--tsan');
const plain = !arm64 && !asan && !tsan;  // the native, uninstrumented build
const buildDir = join(root, 'build', arm64 ? 'arm64-core' : asan ? 'asan-core' : tsan ? 'tsan-core' : 'core');
// The suites whose code runs on several threads; the rest of the core is single-threaded per call.
// Each threaded suite with its arguments: model_test's threaded forward passes (the sequence-parallel runs and
// the batch/thread invariance), not its single-threaded goldens; precision_test's bf16 and int8 passes on 2 and 3
// threads, where short inputs are converted once by the pool and read by every column task (gemm.cpp).
const TSAN_TESTS = {
  thread_pool_test: [],
  scheduler_test: [],
  model_test: ['--gtest_filter=*SequenceParallel*:*BitwiseIndependent*'],
  precision_test: ['--gtest_filter=*BatchAndThreadInvariant*'],
};
// A sanitizer finding must fail the run, not scroll past: abort on the first report of each kind.
const sanitizerEnv = {
  ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1',
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
  TSAN_OPTIONS: 'halt_on_error=1:second_deadlock_stack=1',
  // The plain suite checks every golden pair; under ASan (several times slower) a sample per model is enough to
  // run the same code paths, and keeps CI's time bounded.
  CE_GOLDEN_PAIRS: process.env.CE_GOLDEN_PAIRS ?? '16',
};
// An explicit job count: `cmake --build --parallel` without one lets make spawn unlimited compilers.
const jobs = process.env.CE_BUILD_JOBS ?? String(Math.max(1, availableParallelism()));

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.error) {
    console.error(`test:cpp: could not run ${command}: ${result.error.message}`);
    if (arm64) console.error('test:cpp: the arm64 suite needs g++-aarch64-linux-gnu and qemu-user (scripts/setup.sh)');
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const configure = ['-S', root, '-B', buildDir, '-DCMAKE_BUILD_TYPE=Release'];
if (arm64) configure.push(`-DCMAKE_TOOLCHAIN_FILE=${join(root, 'cmake', 'toolchains', 'aarch64-linux-gnu.cmake')}`);
// -O1 under ASan: the instrumented build at -O3 was the longest step of CI (g++ spent minutes per nlohmann-heavy
// file; the tests still use nlohmann), and ASan's checks do not need -O3; shipped builds keep -O3 (CE_CORE_OPTIMIZATION's default).
if (asan) configure.push('-DCE_SANITIZE=ON', '-DCE_CORE_OPTIMIZATION=-O1', '-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG');
// TSan at -O1 too (its recommended level): the races it looks for are in the code, not in -O3's schedule, and the
// core's compile at -O3 was most of the step's time on a 2-core runner.
if (tsan) configure.push('-DCE_TSAN=ON', '-DCE_CORE_OPTIMIZATION=-O1', '-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG');
// The suites' own code at -O1 (the core stays -O3): a minute less of CI on a 2-core runner for each of the x86 and
// arm64 builds. On arm64, FMA is in the baseline and GCC contracts a*b+c by default, so how test-side float sums
// round would depend on the optimisation level: -ffp-contract=off there rounds them as the x86 build (no FMA in its
// baseline) does, at any level. The core keeps its own flags, so the NEON kernels are tested as shipped.
if (!asan && !tsan) configure.push(arm64 ? '-DCE_TEST_OPTIMIZATION=-O1;-ffp-contract=off' : '-DCE_TEST_OPTIMIZATION=-O1');
// The plain build's core is the one `npm ci` compiled for the addon, flag for flag: through ccache it is compiled once
// (scripts/compiler-cache.mjs). The other builds share no compile with anything.
const buildEnv = plain ? compilerCacheEnv() : {};
run('cmake', configure, buildEnv);
if (tsan) {
  run('cmake', ['--build', buildDir, '--parallel', jobs, '--target', ...Object.keys(TSAN_TESTS)]);
  for (const [test, args] of Object.entries(TSAN_TESTS)) run(join(buildDir, test), args, sanitizerEnv);
} else {
  run('cmake', ['--build', buildDir, '--parallel', jobs], buildEnv);
  // Under ASan the forced-ISA reruns (x86 `*.forced_*`) are left out: the same kernels run forced in test:cpp, and
  // ASan checks this CPU's dispatch of every suite; it keeps CI inside its time budget.
  const filter = asan ? ['-E', '\\.forced_'] : [];
  run('ctest', ['--test-dir', buildDir, '--output-on-failure', '--parallel', jobs, ...filter], asan ? sanitizerEnv : {});
}
