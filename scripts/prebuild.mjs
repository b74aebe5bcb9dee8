// `npm run prebuild`: the prebuilt Node-API binaries the package ships, one per target, in node-gyp-build's
// layout: prebuilds/<platform>-<arch>/cross-encoder.napi.glibc.node (Node-API 8: one binary serves every
// Node >= 20; glibc-tagged so musl systems build from source instead of loading a binary that cannot work).
// linux-x64 is built natively, linux-arm64 with Debian's cross compiler (cmake/toolchains/); runtime CPU
// dispatch inside the core means one x64 binary serves AVX2 and AVX-512 machines alike.
//   node scripts/prebuild.mjs [--arch x64,arm64]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, openSync, readSync, closeSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const jobs = process.env.CE_BUILD_JOBS ?? String(Math.max(1, availableParallelism()));

// ELF e_machine values, to prove each file is built for the architecture its folder names.
const TARGETS = {
  x64: { elfMachine: 0x3e, cross: null, strip: 'strip' },
  arm64: { elfMachine: 0xb7, cross: 'cmake/toolchains/aarch64-linux-gnu.cmake', strip: 'aarch64-linux-gnu-strip' },
};

const { values } = parseArgs({ options: { arch: { type: 'string', default: 'x64,arm64' } } });
const arches = values.arch.split(',').filter(Boolean);
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`prebuild: prebuilds are made on linux-x64 (this is ${process.platform}-${process.arch})`);
  process.exit(1);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error || result.status !== 0) {
    console.error(`prebuild: \`${command} ${args.join(' ')}\` failed${result.error ? `: ${result.error.message}` : ''}`);
    if (result.error?.code === 'ENOENT') console.error('prebuild: run scripts/setup.sh (it installs the cross toolchain and qemu-user)');
    process.exit(result.status || 1);
  }
}

function elfMachine(file) {
  const fd = openSync(file, 'r');
  const header = Buffer.alloc(20);
  readSync(fd, header, 0, 20, 0);
  closeSync(fd);
  if (header.readUInt32BE(0) !== 0x7f454c46) return -1;
  return header.readUInt16LE(18);
}

for (const arch of arches) {
  const target = TARGETS[arch];
  if (!target) {
    console.error(`prebuild: unknown --arch '${arch}' (known: ${Object.keys(TARGETS).join(', ')})`);
    process.exit(1);
  }
  // The native target shares build/ with `npm run build:native` (incremental); a cross target gets its own.
  const out = target.cross ? join(root, 'build', `prebuild-linux-${arch}`) : join(root, 'build');
  const args = [cmakeJs, 'build', '--directory', root, '--out', out, '--parallel', jobs];
  if (target.cross) args.push(`--CDCMAKE_TOOLCHAIN_FILE=${join(root, target.cross)}`);
  console.error(`prebuild: linux-${arch}`);
  run(process.execPath, args);

  const built = join(out, 'Release', 'cross_encoder.node');
  const destDir = join(root, 'prebuilds', `linux-${arch}`);
  rmSync(destDir, { recursive: true, force: true });
  mkdirSync(destDir, { recursive: true });
  const dest = join(destDir, 'cross-encoder.napi.glibc.node');
  copyFileSync(built, dest);
  run(target.strip, ['--strip-unneeded', dest]);
  const machine = elfMachine(dest);
  if (machine !== target.elfMachine) {
    console.error(`prebuild: ${relative(root, dest)} has ELF machine 0x${machine.toString(16)}, expected 0x${target.elfMachine.toString(16)}`);
    process.exit(1);
  }
  console.error(`prebuild: ${relative(root, dest)} (${(statSync(dest).size / 1024).toFixed(0)} KiB)`);
}
