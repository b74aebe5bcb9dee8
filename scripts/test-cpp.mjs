// test:cpp: configure, build and run the C++ GoogleTest suite of the core in build/core (no Node involved).
// test:arm64 (`--arm64`): the same suite cross-compiled for aarch64 (cmake/toolchains/) in build/arm64-core,
// run under qemu-user by ctest, so the NEON kernels are executed and checked, not assumed.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arm64 = process.argv.includes('--arm64');
const buildDir = join(root, 'build', arm64 ? 'arm64-core' : 'core');
// An explicit job count: `cmake --build --parallel` without one lets make spawn unlimited compilers.
const jobs = process.env.CE_BUILD_JOBS ?? String(Math.max(1, availableParallelism()));

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) {
    console.error(`test:cpp: could not run ${command}: ${result.error.message}`);
    if (arm64) console.error('test:cpp: the arm64 suite needs g++-aarch64-linux-gnu and qemu-user (scripts/setup.sh)');
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const configure = ['-S', root, '-B', buildDir, '-DCMAKE_BUILD_TYPE=Release'];
if (arm64) configure.push(`-DCMAKE_TOOLCHAIN_FILE=${join(root, 'cmake', 'toolchains', 'aarch64-linux-gnu.cmake')}`);
run('cmake', configure);
run('cmake', ['--build', buildDir, '--parallel', jobs]);
run('ctest', ['--test-dir', buildDir, '--output-on-failure', '--parallel', jobs]);
