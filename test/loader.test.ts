// The addon loader (lib/native.ts) and the install hook (scripts/install.mjs) on a package laid out as npm
// installs it: dist/, models/, scripts/install.mjs, prebuilds/ or nothing, no build/ and no cpp/tests/.
// Each case runs in a child Node so the loader's module state starts fresh.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';

import { REPO_ROOT } from './helpers/paths';

const BUILT_ADDON = path.join(REPO_ROOT, 'build', 'Release', 'cross_encoder.node');
const PREBUILD = path.join('prebuilds', `${process.platform}-${process.arch}`, 'cross-encoder.napi.glibc.node');
const tempDirs: string[] = [];

/** An installed-package layout in a temp dir; `prebuild` is what to put at prebuilds/<platform>-<arch>/. */
function installedPackage(prebuild: 'addon' | 'garbage' | 'none'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ce-loader-'));
  tempDirs.push(dir);
  copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(dir, 'package.json'));
  cpSync(path.join(REPO_ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
  mkdirSync(path.join(dir, 'scripts'));
  for (const script of ['install.mjs', 'build-native.mjs', 'build-prerequisites.mjs'])
    copyFileSync(path.join(REPO_ROOT, 'scripts', script), path.join(dir, 'scripts', script));
  symlinkSync(path.join(REPO_ROOT, 'models'), path.join(dir, 'models'));
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  if (prebuild !== 'none') {
    mkdirSync(path.dirname(path.join(dir, PREBUILD)), { recursive: true });
    if (prebuild === 'addon') copyFileSync(BUILT_ADDON, path.join(dir, PREBUILD));
    else writeFileSync(path.join(dir, PREBUILD), 'not an ELF file');
  }
  return dir;
}

function node(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
}

const RANK_DEMO = `
const { CrossEncoder } = require('./dist/cjs/index.js');
CrossEncoder.load('demo').then(async (m) => {
  const r = await m.rank('terminal multiplexer', ['a card game', 'tmux: terminal multiplexer']);
  console.log(JSON.stringify({ top: r[0].corpusId, kernel: m.gemmKernel }));
  await m.dispose();
}, (e) => { console.log(JSON.stringify({ code: e.code, message: e.message })); });
`;

after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('native addon loader', () => {
  test('an installed package with a prebuild for this platform loads it and ranks', () => {
    const dir = installedPackage('addon');
    const out = node(['-e', RANK_DEMO], dir);
    assert.equal(out.status, 0, out.stderr);
    const result = JSON.parse(out.stdout);
    assert.equal(result.top, 1);
    assert.equal(typeof result.kernel, 'string');
  });

  test('no build and no prebuild: ERR_ADDON_NOT_FOUND that says where it looked and what to install', () => {
    const dir = installedPackage('none');
    const out = node(['-e', RANK_DEMO], dir);
    assert.equal(out.status, 0, out.stderr);
    const result = JSON.parse(out.stdout);
    assert.equal(result.code, 'ERR_ADDON_NOT_FOUND');
    assert.match(result.message, new RegExp(`${process.platform}-${process.arch}`));
    assert.match(result.message, /prebuilds/);
    assert.match(result.message, /npm rebuild cross-encoder/);
    assert.match(result.message, /cmake >= 3\.20/);
  });

  test('a prebuild that cannot load: ERR_ADDON_NOT_FOUND naming the file and the cause', () => {
    const dir = installedPackage('garbage');
    const result = JSON.parse(node(['-e', RANK_DEMO], dir).stdout);
    assert.equal(result.code, 'ERR_ADDON_NOT_FOUND');
    assert.ok(result.message.includes(path.join(dir, PREBUILD)), result.message);
    assert.match(result.message, /Cause: /);
  });

  // CROSS_ENCODER_ADDON: how the Node tests run against the ASan build (scripts/test-asan-node.mjs).
  const LOADED_FROM = `
const { CrossEncoder } = require('./dist/cjs/index.js');
const { nativeAddonPath } = require('./dist/cjs/native.js');
CrossEncoder.load('demo').then(async (m) => {
  const loaded = Object.keys(require.cache).filter((file) => file.endsWith('.node'));
  console.log(JSON.stringify({ path: nativeAddonPath(), loaded }));
  await m.dispose();
}, (e) => { console.log(JSON.stringify({ code: e.code, message: e.message })); });
`;

  test('CROSS_ENCODER_ADDON names the addon file to load instead of the package\'s own', () => {
    const dir = installedPackage('none');
    const copy = path.join(dir, 'elsewhere', 'addon-copy.node');
    mkdirSync(path.dirname(copy));
    copyFileSync(BUILT_ADDON, copy);
    const out = node(['-e', LOADED_FROM], dir, { ...process.env, CROSS_ENCODER_ADDON: copy });
    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), { path: copy, loaded: [copy] });
  });

  test('CROSS_ENCODER_ADDON naming a missing file: ERR_ADDON_NOT_FOUND naming that file, no fallback', () => {
    const dir = installedPackage('addon');
    const missing = path.join(dir, 'no-such.node');
    const result = JSON.parse(node(['-e', RANK_DEMO], dir, { ...process.env, CROSS_ENCODER_ADDON: missing }).stdout);
    assert.equal(result.code, 'ERR_ADDON_NOT_FOUND');
    assert.ok(result.message.includes(`Looked in: ${missing}.`), result.message);
    assert.match(result.message, /CROSS_ENCODER_ADDON is set to/);
  });
});

describe('install hook (scripts/install.mjs)', () => {
  test('uses a prebuild that loads, without building', () => {
    const dir = installedPackage('addon');
    const out = node(['scripts/install.mjs'], dir);
    assert.equal(out.status, 0, out.stderr);
    assert.match(out.stdout, new RegExp(`using the prebuilt binary ${PREBUILD.replace(/\./g, '\\.')}`));
  });

  test('a prebuild that does not load and no cmake: fails saying why and what to install', () => {
    const dir = installedPackage('garbage');
    // A PATH with no cmake or compiler, as on a user's machine without build tools.
    const out = node(['scripts/install.mjs'], dir, { ...process.env, PATH: path.join(dir, 'no-such-bin') });
    assert.notEqual(out.status, 0);
    assert.match(out.stderr, /does not load here/);
    assert.match(out.stderr, /building the native addon from source/);
    assert.match(out.stderr, /needs cmake >= 3\.20, a C\+\+20 compiler/);
    // Each missing tool is named on its own, not only the general list.
    assert.match(out.stderr, /cmake is not on PATH/);
    assert.match(out.stderr, /no C\+\+ compiler on PATH/);
    assert.match(out.stderr, /neither ninja nor make is on PATH/);
  });

  test('no prebuild for the platform: says so, then builds from source (which fails here without cmake)', () => {
    const dir = installedPackage('none');
    const out = node(['scripts/install.mjs'], dir, { ...process.env, PATH: path.join(dir, 'no-such-bin') });
    assert.notEqual(out.status, 0);
    assert.match(out.stderr, new RegExp(`no prebuilt binary for ${process.platform}-${process.arch}`));
    // What a source build needs: cmake, a compiler and ninja or make; no C++ library (the core reads JSON itself).
    assert.match(out.stderr, /apt install cmake g\+\+ make\); no other library/);
    assert.doesNotMatch(out.stderr, /nlohmann/);
  });
});
