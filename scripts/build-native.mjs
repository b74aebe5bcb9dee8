// Builds build/Release/cross_encoder.node with cmake-js (Node-API headers come from node-api-headers, so
// nothing is downloaded). Used by `npm run build:native` and by the package's install script.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const parallel = process.env.CE_BUILD_JOBS ?? String(Math.max(1, availableParallelism()));

const result = spawnSync(process.execPath, [cmakeJs, 'build', '--directory', root, '--parallel', parallel], {
  cwd: root,
  stdio: 'inherit',
});
if (result.error) {
  console.error(`cross-encoder: could not run cmake-js: ${result.error.message}`);
  process.exit(1);
}
if (result.status !== 0) {
  console.error(
    'cross-encoder: building the native addon failed. It needs cmake >= 3.20, a C++20 compiler (g++ >= 11 or ' +
      'clang >= 14), ninja or make, and the nlohmann-json headers (Debian/Ubuntu: apt install cmake g++ ninja-build ' +
      'nlohmann-json3-dev). Or use a platform with a prebuilt binary: linux-x64 or linux-arm64 (glibc or musl), ' +
      'darwin-x64 or darwin-arm64.',
  );
  process.exit(result.status ?? 1);
}
