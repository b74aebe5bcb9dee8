// Runs inside a throwaway project where the packed tarball was installed (see scripts/test-package.mjs), with
// whatever Node runs it (x64 natively, arm64 under qemu-user). It proves the installed package works as a user
// gets it: ESM and CJS entry points, the prebuilt binary for this architecture, the built-in demo model and a
// fixture model, with scores checked against the sentence-transformers / PyTorch references.
//   node smoke.mjs <expectedArch> <demo_rank.json> <fixture model dir> <fixture golden .sample.json> [source]
// With `source` the package must have been built from source on install (build/Release), else use its prebuild.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

import { CrossEncoder } from 'cross-encoder';

const [expectedArch, demoRankFile, fixtureDir, fixtureGolden, origin = 'prebuild'] = process.argv.slice(2);
const TOLERANCE = 1e-4;
const require = createRequire(path.join(process.cwd(), 'package.json'));

assert.equal(process.arch, expectedArch, `this Node is ${process.arch}, expected ${expectedArch}`);

// The binary in use is the shipped prebuild (nothing compiled on install), or the from-source build.
const pkgDir = path.dirname(require.resolve('cross-encoder/package.json'));
const addonPath = createRequire(path.join(pkgDir, 'package.json'))('node-gyp-build').path(pkgDir);
if (origin === 'source') {
  assert.equal(path.relative(pkgDir, addonPath), path.join('build', 'Release', 'cross_encoder.node'));
} else {
  assert.ok(!existsSync(path.join(pkgDir, 'build')), 'the installed package has a build/ folder: it was compiled');
  assert.equal(path.relative(pkgDir, addonPath), path.join('prebuilds', `linux-${process.arch}`, 'cross-encoder.napi.glibc.node'));
}

// CJS and ESM share one implementation.
const cjs = require('cross-encoder');
assert.equal(typeof cjs.CrossEncoder.load, 'function');

// The built-in demo model reproduces sentence-transformers' ranking.
const demo = JSON.parse(readFileSync(demoRankFile, 'utf8'));
const model = await CrossEncoder.load('demo', { threads: 2 });
const ranked = await model.rank(demo.query, demo.documents);
assert.deepEqual(ranked.map((r) => r.corpusId), demo.rank.map((r) => r.corpus_id), 'demo ranking order');
let worst = 0;
ranked.forEach((r, i) => (worst = Math.max(worst, Math.abs(r.score - demo.rank[i].score))));
assert.ok(worst <= TOLERANCE, `demo scores differ from sentence-transformers by ${worst}`);
const kernel = model.gemmKernel;
if (process.arch === 'arm64') assert.equal(kernel, 'neon');
await model.dispose();

// A fixture model from a directory (CJS entry point this time): logits against PyTorch's.
const golden = JSON.parse(readFileSync(fixtureGolden, 'utf8'));
const fixture = await cjs.CrossEncoder.load(fixtureDir, { threads: 1 });
const pairs = golden.pairs.slice(0, 12);
const logits = await fixture.predict(pairs.map((p) => [p.a, p.b]), { activation: 'identity' });
assert.equal(logits.length, pairs.length * fixture.numLabels);
let worstLogit = 0;
pairs.forEach((p, i) => {
  const want = Array.isArray(p.logits) ? p.logits : [p.logits];
  assert.equal(want.length, fixture.numLabels);
  want.forEach((w, j) => (worstLogit = Math.max(worstLogit, Math.abs(logits[i * fixture.numLabels + j] - w))));
});
assert.ok(worstLogit <= TOLERANCE, `fixture logits differ from PyTorch by ${worstLogit}`);
await fixture.dispose();

console.log(JSON.stringify({ arch: process.arch, node: process.version, addon: path.relative(pkgDir, addonPath),
  gemmKernel: kernel, demoMaxDelta: worst, fixtureMaxDelta: worstLogit, fixturePairs: pairs.length }));
