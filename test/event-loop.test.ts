// predict() runs on the model's own pool: the JS thread keeps ticking while a large batch is scored.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { CrossEncoder } from '../lib/index';
import { DEMO_MODEL_DIR, fixtureModelDir } from './helpers/paths';
import { longText } from './helpers/texts';

const MAX_GAP_MS = 200;
const TARGET_PREDICT_MS = 2500;

test(`setInterval(1 ms) keeps ticking (gaps < ${MAX_GAP_MS} ms) during a long predict`, async (t) => {
  // The demo model is the largest always-available model; the tiny fixture is the fallback outside CI.
  const dir = existsSync(path.join(DEMO_MODEL_DIR, 'config.json')) ? DEMO_MODEL_DIR : fixtureModelDir('tiny-1label-f32');
  await using model = await CrossEncoder.load(dir);
  const makePairs = (count: number) =>
    Array.from({ length: count }, (_, i) => [longText(20, i), longText(400, i + 1)] as const);

  // Size the batch from a measured probe (after a warm-up call) so the test lasts ~2.5 s on any machine.
  const probe = makePairs(16);
  await model.predict(probe.slice(0, 2));
  const probeStart = performance.now();
  await model.predict(probe);
  const perPairMs = Math.max((performance.now() - probeStart) / probe.length, 0.01);
  const pairs = makePairs(Math.min(200_000, Math.ceil(TARGET_PREDICT_MS / perPairMs)));

  let ticks = 0;
  let maxGap = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 1);
  const started = performance.now();
  last = started;
  const scores = await model.predict(pairs);
  const elapsed = performance.now() - started;
  clearInterval(timer);

  const message = `${pairs.length} pairs in ${elapsed.toFixed(0)} ms; ${ticks} ticks, max gap ${maxGap.toFixed(1)} ms`;
  t.diagnostic(message);
  assert.equal(scores.length, pairs.length);
  assert.ok(elapsed > 4 * MAX_GAP_MS, `predict too short to tell (${elapsed.toFixed(0)} ms)`);
  assert.ok(maxGap < MAX_GAP_MS, `the event loop stalled for ${maxGap.toFixed(1)} ms`);
  assert.ok(ticks > elapsed / 20, `only ${ticks} ticks in ${elapsed.toFixed(0)} ms`);
});

test('load() does not block the event loop while reading the model', async (t) => {
  let maxGap = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 1);
  const dir = existsSync(path.join(DEMO_MODEL_DIR, 'config.json')) ? DEMO_MODEL_DIR : fixtureModelDir('tiny-1label-f32');
  last = performance.now();
  const model = await CrossEncoder.load(dir);
  clearInterval(timer);
  await model.dispose();
  t.diagnostic(`max gap during load ${maxGap.toFixed(1)} ms`);
  assert.ok(maxGap < MAX_GAP_MS, `the event loop stalled for ${maxGap.toFixed(1)} ms`);
});
