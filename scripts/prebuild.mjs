// `npm run prebuild`: the prebuilt Node-API binaries the package ships, one per target, in node-gyp-build's
// layout: prebuilds/<platform>-<arch>/cross-encoder.napi.glibc.node (Node-API 8: one binary serves every
// Node >= 20; glibc-tagged so musl systems build from source instead of loading a binary that cannot work).
// Both targets are built with Zig's clang driver (PyPI `ziglang`, tools/toolchain/requirements.txt) against
// glibc 2.28, Node 20's own minimum, with libc++ linked in statically: a binary built on this Debian with its
// g++ would need the build machine's glibc (2.36), which e.g. Ubuntu 22.04 and RHEL 9 do not have. Runtime CPU
// dispatch inside the core means one x64 binary serves AVX2 and AVX-512 machines alike.
//   node scripts/prebuild.mjs [--arch x64,arm64]       (zig: $CE_ZIG, else the venv scripts/setup.sh makes)
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
const GLIBC = '2.28';
const TARGETS = {
  x64: { elfMachine: 0x3e, processor: 'x86_64', binutils: '' },
  arm64: { elfMachine: 0xb7, processor: 'aarch64', binutils: 'aarch64-linux-gnu-' },
};
const ZIG_VENV = join(root, '.cache', 'zig');

function findZig() {
  if (process.env.CE_ZIG) return process.env.CE_ZIG;
  const python = join(ZIG_VENV, 'bin', 'python');
  const found = spawnSync(python, ['-c', 'import ziglang, os; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))'], { encoding: 'utf8' });
  if (found.status !== 0) {
    console.error(`prebuild: no zig found: set CE_ZIG, or run scripts/setup.sh (it installs ziglang into ${relative(root, ZIG_VENV)})`);
    process.exit(1);
  }
  return found.stdout.trim();
}

const { values } = parseArgs({ options: { arch: { type: 'string', default: 'x64,arm64' } } });
const arches = values.arch.split(',').filter(Boolean);
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`prebuild: prebuilds are made on linux-x64 (this is ${process.platform}-${process.arch})`);
  process.exit(1);
}

function which(tool) {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  if (found.status !== 0) {
    console.error(`prebuild: ${tool} not found; run scripts/setup.sh`);
    process.exit(1);
  }
  return found.stdout.trim();
}

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
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

const zig = findZig();
for (const arch of arches) {
  const target = TARGETS[arch];
  if (!target) {
    console.error(`prebuild: unknown --arch '${arch}' (known: ${Object.keys(TARGETS).join(', ')})`);
    process.exit(1);
  }
  // CC/CXX with arguments: CMake takes the first word as the compiler and the rest as its first arguments.
  // Naming the system makes it a cross build, so nothing from the host's /usr/include is searched.
  const zigTarget = `${target.processor}-linux-gnu.${GLIBC}`;
  const out = join(root, 'build', `prebuild-${zigTarget}`);
  const args = [cmakeJs, 'build', '--directory', root, '--out', out, '--parallel', jobs,
    '--CDCMAKE_SYSTEM_NAME=Linux', `--CDCMAKE_SYSTEM_PROCESSOR=${target.processor}`, `--CDCMAKE_AR=${which(`${target.binutils}ar`)}`];
  console.error(`prebuild: linux-${arch} (zig c++ -target ${zigTarget})`);
  run(process.execPath, args, { CC: `${zig} cc -target ${zigTarget}`, CXX: `${zig} c++ -target ${zigTarget}` });

  const built = join(out, 'Release', 'cross_encoder.node');
  const destDir = join(root, 'prebuilds', `linux-${arch}`);
  rmSync(destDir, { recursive: true, force: true });
  mkdirSync(destDir, { recursive: true });
  const dest = join(destDir, 'cross-encoder.napi.glibc.node');
  copyFileSync(built, dest);
  run(`${target.binutils}strip`, ['--strip-unneeded', dest]);
  const machine = elfMachine(dest);
  if (machine !== target.elfMachine) {
    console.error(`prebuild: ${relative(root, dest)} has ELF machine 0x${machine.toString(16)}, expected 0x${target.elfMachine.toString(16)}`);
    process.exit(1);
  }
  // The newest glibc symbol version it links against must not exceed the one it was built for.
  const symbols = spawnSync(`${target.binutils}objdump`, ['-T', dest], { encoding: 'utf8' }).stdout ?? '';
  const versions = [...symbols.matchAll(/GLIBC_(\d+)\.(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  const [major, minor] = GLIBC.split('.').map(Number);
  const newest = versions.reduce((a, b) => (b[0] > a[0] || (b[0] === a[0] && b[1] > a[1]) ? b : a), [0, 0]);
  if (versions.length === 0 || newest[0] > major || (newest[0] === major && newest[1] > minor)) {
    console.error(`prebuild: ${relative(root, dest)} needs glibc ${newest.join('.')}, more than ${GLIBC}`);
    process.exit(1);
  }
  console.error(`prebuild: ${relative(root, dest)} (${(statSync(dest).size / 1024).toFixed(0)} KiB, needs glibc >= ${newest.join('.')})`);
}
