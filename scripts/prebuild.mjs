// `npm run prebuild`: the prebuilt Node-API binaries the package ships, one per target, in node-gyp-build's
// layout: prebuilds/<platform>-<arch>/cross-encoder.napi[.<libc>].node (Node-API 8: one binary serves every
// Node >= 20). glibc and musl binaries of one architecture share a folder; node-gyp-build picks by the libc tag
// (musl where /etc/alpine-release exists, or LIBC=musl). Every target is built with Zig's clang driver (PyPI
// `ziglang`, tools/toolchain/requirements.txt) with libc++ linked in statically: glibc targets against glibc
// 2.28, Node 20's own minimum (a binary built on this Debian with its g++ would need its glibc 2.36, which e.g.
// Ubuntu 22.04 and RHEL 9 do not have); musl targets against musl's stable ABI; macOS targets against Zig's
// bundled libSystem stubs, with Node's napi_* symbols left to dynamic lookup in the loading node process.
// Runtime CPU dispatch inside the core means one x64 binary serves AVX2 and AVX-512 machines alike.
// scripts/inspect-prebuilds.mjs then inspects every file (format, CPU, libc, imports).
//   node scripts/prebuild.mjs [--targets linux-x64,linux-arm64,linux-x64-musl,...]   (default: all)
// zig: $CE_ZIG, else the venv scripts/setup.sh makes.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { PREBUILD_TARGETS, prebuildPath } from './prebuild-targets.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const jobs = process.env.CE_BUILD_JOBS ?? String(Math.max(1, availableParallelism()));
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

const { values } = parseArgs({ options: { targets: { type: 'string', default: Object.keys(PREBUILD_TARGETS).join(',') } } });
const names = values.targets.split(',').filter(Boolean);
for (const name of names) {
  if (!PREBUILD_TARGETS[name]) {
    console.error(`prebuild: unknown target '${name}' (known: ${Object.keys(PREBUILD_TARGETS).join(', ')})`);
    process.exit(1);
  }
}
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`prebuild: prebuilds are made on linux-x64 (this is ${process.platform}-${process.arch})`);
  process.exit(1);
}

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.error || result.status !== 0) {
    console.error(`prebuild: \`${command} ${args.join(' ')}\` failed${result.error ? `: ${result.error.message}` : ''}`);
    if (result.error?.code === 'ENOENT') console.error('prebuild: run scripts/setup.sh (it installs the zig toolchain)');
    process.exit(result.status || 1);
  }
}

// CMake wants one executable per tool; `zig ar` and `zig ranlib` are two words, so each gets a wrapper script.
// Zig's own archiver writes archives every target's linker reads (GNU ar's are not read for Mach-O).
function zigToolWrapper(zig, dir, tool) {
  const path = join(dir, `zig-${tool}`);
  writeFileSync(path, `#!/bin/sh\nexec '${zig}' ${tool} "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

// Targets are built side by side, each with its share of the cores: Zig builds libc++ and the libc of a target on
// one core the first time it links for it (1.5-2.5 min per target with an empty Zig cache, as on a fresh CI
// machine), and another target's compile can use the cores that leaves idle. Each concurrent build writes its
// output to build/prebuild-<target>/prebuild.log, shown when it fails.
const concurrency = Math.max(1, Math.min(names.length, Number(jobs)));
const jobsEach = String(Math.max(1, Math.floor(Number(jobs) / concurrency)));

function runLogged(command, args, env, log) {
  if (!log) {
    run(command, args, env);
    return Promise.resolve();
  }
  return new Promise((resolvePromise, reject) => {
    const fd = openSync(log, 'w');
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', fd, fd], env: { ...process.env, ...env } });
    children.add(child);
    child.on('error', (error) => reject(new Error(`\`${command}\`: ${error.message}`)));
    child.on('close', (code, signal) => {
      children.delete(child);
      closeSync(fd);
      if (code === 0) resolvePromise();
      else reject(new Error(`\`${command} ${args.join(' ')}\` failed (${signal ?? `exit ${code}`}); its output, ${relative(root, log)}, ends:\n${tail(log)}`));
    });
  });
}
const children = new Set();
const tail = (file) => readFileSync(file, 'utf8').split('\n').slice(-60).join('\n');

async function buildTarget(name) {
  const target = PREBUILD_TARGETS[name];
  const out = join(root, 'build', `prebuild-${target.zigTarget}`);
  mkdirSync(out, { recursive: true });
  // CC/CXX with arguments: CMake takes the first word as the compiler and the rest as its first arguments.
  // Naming the system makes it a cross build, so nothing from the host's /usr/include is searched.
  const args = [cmakeJs, 'build', '--directory', root, '--out', out, '--parallel', jobsEach,
    `--CDCMAKE_SYSTEM_NAME=${target.system}`, `--CDCMAKE_SYSTEM_PROCESSOR=${target.processor}`,
    `--CDCMAKE_AR=${zigToolWrapper(zig, out, 'ar')}`, `--CDCMAKE_RANLIB=${zigToolWrapper(zig, out, 'ranlib')}`];
  // Mach-O: node exports the napi_* functions the addon calls; they are bound when node loads it (-s strips
  // the symbol table's locals: Zig's Mach-O linker has no separate strip tool).
  if (target.system === 'Darwin') args.push('--CDCMAKE_SHARED_LINKER_FLAGS=-undefined dynamic_lookup -s');
  const log = concurrency > 1 ? join(out, 'prebuild.log') : null;
  console.error(`prebuild: ${name} (zig c++ -target ${target.zigTarget})${log ? `, output in ${relative(root, log)}` : ''}`);
  const started = performance.now();
  await runLogged(process.execPath, args,
    { CC: `${zig} cc -target ${target.zigTarget}`, CXX: `${zig} c++ -target ${target.zigTarget}` }, log);

  const built = join(out, 'Release', 'cross_encoder.node');
  const dest = join(root, prebuildPath(name));
  mkdirSync(dirname(dest), { recursive: true });
  rmSync(dest, { force: true });
  copyFileSync(built, dest);
  if (target.system === 'Linux') run(`${target.processor === 'aarch64' ? 'aarch64-linux-gnu-' : ''}strip`, ['--strip-unneeded', dest]);
  const seconds = (performance.now() - started) / 1000;
  console.error(`prebuild: ${name} done in ${seconds.toFixed(1)} s`);
  return { target: name, file: relative(root, dest), KiB: Math.round(statSync(dest).size / 1024), seconds: Number(seconds.toFixed(1)) };
}

const zig = findZig();
const timings = [];
const queue = [...names];
try {
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (queue.length) timings.push(await buildTarget(queue.shift()));
  }));
} catch (error) {
  for (const child of children) child.kill('SIGTERM');
  console.error(`prebuild: ${error.message}`);
  process.exit(1);
}
timings.sort((a, b) => names.indexOf(a.target) - names.indexOf(b.target));
console.table(timings);
// Every file just built is inspected before anything ships it.
run(process.execPath, [join(root, 'scripts', 'inspect-prebuilds.mjs'), '--targets', names.join(',')]);
