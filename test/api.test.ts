// The public API on the tiny fixture models: load/predict/rank/tokenize/dispose semantics, both entry points.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';

import { AbortError, CrossEncoder, CrossEncoderError } from '../lib/index';
import { native } from '../lib/native';
import { CACHE_DIR, fixtureModelDir, REPO_ROOT, TINY_MODELS } from './helpers/paths';
import { longText, PASSAGES, QUERY } from './helpers/texts';

const loaded: CrossEncoder[] = [];
async function load(name: (typeof TINY_MODELS)[number], options?: { threads?: number; maxLength?: number }) {
  const model = await CrossEncoder.load(fixtureModelDir(name), options);
  loaded.push(model);
  return model;
}
after(async () => {
  await Promise.all(loaded.map((model) => model.dispose()));
});

function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  assert.equal(x.length, y.length);
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]! - y[i]!));
  return max;
}

const PAIRS = PASSAGES.map((passage) => [QUERY, passage] as const);

describe('load', () => {
  for (const name of TINY_MODELS) {
    test(`${name}: metadata comes from config.json`, async () => {
      const model = await load(name);
      const config = JSON.parse(readFileSync(path.join(fixtureModelDir(name), 'config.json'), 'utf8'));
      assert.deepEqual(model.config, config);
      assert.ok(Object.isFrozen(model.config));
      assert.equal(model.numLabels, Object.keys(config.id2label).length);
      const expectedLabels = Object.keys(config.id2label).sort((x, y) => Number(x) - Number(y)).map((id) => config.id2label[id]);
      assert.deepEqual([...model.labels], expectedLabels);
      // sentence-transformers: min(tokenizer model_max_length, max_position_embeddings).
      const tokenizerConfig = JSON.parse(readFileSync(path.join(fixtureModelDir(name), 'tokenizer_config.json'), 'utf8'));
      const tokenizerLimit = typeof tokenizerConfig.model_max_length === 'number' ? tokenizerConfig.model_max_length : Infinity;
      assert.equal(model.maxLength, Math.min(config.max_position_embeddings, tokenizerLimit));
    });
  }

  test('the default activation follows sentence-transformers rules', async () => {
    assert.equal((await load('tiny-1label-f32')).defaultActivation, 'sigmoid'); // 1 label, no key
    assert.equal((await load('tiny-3label-f16')).defaultActivation, 'identity'); // several labels, no key
    assert.equal((await load('tiny-1label-bf16')).defaultActivation, 'identity'); // legacy key: Identity
  });

  test('maxLength option lowers the token limit', async () => {
    const model = await load('tiny-1label-f32', { maxLength: 16 });
    assert.equal(model.maxLength, 16);
    const encoding = model.tokenize(longText(50), longText(50, 2));
    assert.equal(encoding.inputIds.length, 16);
  });

  test('thread count does not change the scores', async () => {
    const one = await load('tiny-1label-f32', { threads: 1 });
    const two = await load('tiny-1label-f32', { threads: 2 });
    const pairs = [...PAIRS, [longText(80), longText(200, 3)] as const];
    assert.ok(maxAbsDiff(await one.predict(pairs), await two.predict(pairs)) <= 1e-6);
  });
});

describe('tokenize', () => {
  test('is synchronous and follows the [CLS] a [SEP] b [SEP] template', async () => {
    const model = await load('tiny-1label-f32');
    const encoding = model.tokenize('hello world', 'good morning');
    assert.ok(Array.isArray(encoding.inputIds));
    assert.equal(encoding.inputIds.length, encoding.tokenTypeIds.length);
    const vocab = readFileSync(path.join(fixtureModelDir('tiny-1label-f32'), 'vocab.txt'), 'utf8').split('\n');
    const tokens = encoding.inputIds.map((id) => vocab[id]);
    assert.deepEqual(tokens, ['[CLS]', 'hello', 'world', '[SEP]', 'good', 'morning', '[SEP]']);
    assert.deepEqual(encoding.tokenTypeIds, [0, 0, 0, 0, 1, 1, 1]);
  });

  test('truncates long pairs to maxLength', async () => {
    const model = await load('tiny-3label-f16');
    const encoding = model.tokenize(longText(300), longText(300, 7));
    assert.equal(encoding.inputIds.length, model.maxLength);
  });
});

describe('predict', () => {
  test('returns n * numLabels scores, row-major, for every model', async () => {
    for (const name of TINY_MODELS) {
      const model = await load(name);
      const scores = await model.predict(PAIRS);
      assert.ok(scores instanceof Float32Array);
      assert.equal(scores.length, PAIRS.length * model.numLabels);
      assert.ok(scores.every(Number.isFinite));
      // Row i of a batch equals the pair scored alone: the layout is row-major per pair.
      const third = await model.predict([PAIRS[2]!]);
      assert.ok(maxAbsDiff(scores.subarray(2 * model.numLabels, 3 * model.numLabels), third) <= 1e-6);
    }
  });

  test('concurrent predicts on one model each get their own results', async () => {
    const model = await load('tiny-1label-bf16');
    const batches = Array.from({ length: 6 }, (_, k) => PAIRS.map(([q, p]) => [`${q} ${k}`, p] as const));
    const sequential: Float32Array[] = [];
    for (const batch of batches) sequential.push(await model.predict(batch));
    const concurrent = await Promise.all(batches.map((batch) => model.predict(batch, { batchSize: 2 })));
    concurrent.forEach((scores, k) => assert.ok(maxAbsDiff(scores, sequential[k]!) <= 1e-6, `batch ${k}`));
  });

  test('predict([]) resolves to an empty Float32Array', async () => {
    const scores = await (await load('tiny-1label-f32')).predict([]);
    assert.ok(scores instanceof Float32Array);
    assert.equal(scores.length, 0);
  });

  test('batchSize does not change the result', async () => {
    const model = await load('tiny-3label-f16');
    const pairs = [...PAIRS, [longText(40), longText(90, 5)] as const, ['', ''] as const];
    const reference = await model.predict(pairs, { batchSize: 32 });
    for (const batchSize of [1, 2, 3, 100]) {
      assert.ok(maxAbsDiff(await model.predict(pairs, { batchSize }), reference) <= 1e-5, `batchSize ${batchSize}`);
    }
  });

  test('activations relate to the identity logits as sentence-transformers computes them', async () => {
    for (const name of TINY_MODELS) {
      const model = await load(name);
      const logits = await model.predict(PAIRS, { activation: 'identity' });
      const sigmoid = await model.predict(PAIRS, { activation: 'sigmoid' });
      const softmax = await model.predict(PAIRS, { activation: 'softmax' });
      const fallback = await model.predict(PAIRS, { activation: 'default' });
      const n = model.numLabels;
      for (let row = 0; row < PAIRS.length; row++) {
        const slice = Array.from(logits.subarray(row * n, row * n + n));
        const top = Math.max(...slice);
        const total = slice.reduce((sum, value) => sum + Math.exp(value - top), 0);
        for (let j = 0; j < n; j++) {
          const logit = slice[j]!;
          assert.ok(Math.abs(sigmoid[row * n + j]! - 1 / (1 + Math.exp(-logit))) <= 1e-6);
          assert.ok(Math.abs(softmax[row * n + j]! - Math.exp(logit - top) / total) <= 1e-6);
        }
      }
      const expected = model.defaultActivation === 'sigmoid' ? sigmoid : logits;
      assert.ok(maxAbsDiff(fallback, expected) <= 1e-7, `${name} default = ${model.defaultActivation}`);
    }
  });

  test('accepts readonly tuples and frozen arrays', async () => {
    const model = await load('tiny-1label-f32');
    const pairs: ReadonlyArray<readonly [string, string]> = Object.freeze([Object.freeze(['a', 'b'] as const)]);
    assert.equal((await model.predict(pairs)).length, 1);
  });

  test('an already-aborted signal rejects at once with AbortError', async () => {
    const model = await load('tiny-1label-f32');
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await assert.rejects(model.predict(PAIRS, { signal: controller.signal }), (error: unknown) => {
      assert.ok(error instanceof AbortError);
      assert.equal(error.name, 'AbortError');
      assert.equal(error.code, 'ABORT_ERR');
      assert.equal((error.cause as Error).message, 'stop');
      return true;
    });
  });

  test('aborting during a long predict rejects with AbortError; the model stays usable', async () => {
    const model = await load('tiny-1label-f32');
    const pairs = Array.from({ length: 4000 }, (_, i) => [longText(40, i), longText(60, i + 1)] as const);
    const controller = new AbortController();
    const running = model.predict(pairs, { signal: controller.signal, batchSize: 8 });
    setTimeout(() => controller.abort(), 5);
    await assert.rejects(running, AbortError);
    assert.equal((await model.predict(PAIRS)).length, PAIRS.length);
  });

  test('the native cancel token stops the job itself (ERR_CANCELLED), not only the JS promise', async () => {
    const handle = await native().load(fixtureModelDir('tiny-1label-f32'), { threads: 1 });
    try {
      const token = new (native().CancelToken)();
      const pairs = Array.from({ length: 2000 }, (_, i) => [longText(40, i), longText(60, i + 1)] as const);
      const running = handle.predict(pairs, { activation: 'default', batchSize: 4, cancel: token });
      token.cancel();
      assert.equal(token.cancelled, true);
      // Only the core can produce ERR_CANCELLED: the flag reached the job (an ignored flag would resolve).
      await assert.rejects(running, (error: unknown) => (error as { code?: string }).code === 'ERR_CANCELLED');
    } finally {
      handle.dispose();
    }
  });

  test('embeddingsInMemory: true scores bitwise like the default (word embeddings read from the file)', async () => {
    const fromFile = await load('tiny-1label-f32');
    await using inMemory = await CrossEncoder.load(fixtureModelDir('tiny-1label-f32'), { embeddingsInMemory: true });
    assert.deepEqual(await inMemory.predict(PAIRS), await fromFile.predict(PAIRS));
  });

  test('a signal that never fires does not change the result', async () => {
    const model = await load('tiny-1label-f32');
    const controller = new AbortController();
    assert.deepEqual(await model.predict(PAIRS, { signal: controller.signal }), await model.predict(PAIRS));
  });
});

describe('rank', () => {
  test('sorts by score descending and scores equal predict with the default activation', async () => {
    const model = await load('tiny-1label-f32');
    const scores = await model.predict(PAIRS);
    const ranks = await model.rank(QUERY, PASSAGES);
    assert.equal(ranks.length, PASSAGES.length);
    assert.deepEqual(new Set(ranks.map((r) => r.corpusId)), new Set(PASSAGES.map((_, i) => i)));
    for (let i = 0; i < ranks.length; i++) {
      assert.equal(ranks[i]!.score, scores[ranks[i]!.corpusId]);
      assert.ok(!('text' in ranks[i]!));
      if (i > 0) assert.ok(ranks[i - 1]!.score >= ranks[i]!.score);
    }
  });

  test('topK and returnDocuments', async () => {
    const model = await load('tiny-1label-bf16');
    const all = await model.rank(QUERY, PASSAGES);
    const top = await model.rank(QUERY, PASSAGES, { topK: 3, returnDocuments: true });
    assert.equal(top.length, 3);
    assert.deepEqual(top.map((r) => r.corpusId), all.slice(0, 3).map((r) => r.corpusId));
    for (const result of top) assert.equal(result.text, PASSAGES[result.corpusId]);
    assert.equal((await model.rank(QUERY, PASSAGES, { topK: 100 })).length, PASSAGES.length);
  });

  test('ties keep document order (corpusId ascending)', async () => {
    const model = await load('tiny-1label-f32');
    const documents = ['same text', 'other text', 'same text', 'same text'];
    const ranks = await model.rank(QUERY, documents);
    const tied = ranks.filter((r) => documents[r.corpusId] === 'same text');
    assert.deepEqual(tied.map((r) => r.corpusId), [0, 2, 3]);
    assert.equal(tied[0]!.score, tied[2]!.score);
  });

  test('no documents gives []', async () => {
    assert.deepEqual(await (await load('tiny-1label-f32')).rank(QUERY, []), []);
  });

  test('a multi-label model refuses rank() like sentence-transformers', async () => {
    const model = await load('tiny-3label-f16');
    await assert.rejects(model.rank(QUERY, PASSAGES), (error: unknown) => {
      assert.ok(error instanceof CrossEncoderError);
      assert.equal(error.code, 'ERR_UNSUPPORTED_OPERATION');
      assert.match(error.message, /only works for models with num_labels=1/);
      return true;
    });
  });
});

describe('dispose', () => {
  test('await using disposes at the end of the block', async () => {
    let escaped: CrossEncoder;
    {
      await using model = await CrossEncoder.load(fixtureModelDir('tiny-1label-f32'));
      escaped = model;
      assert.equal((await model.predict(PAIRS)).length, PAIRS.length);
    }
    assert.throws(() => escaped.tokenize('a', 'b'), (error: unknown) => error instanceof CrossEncoderError && error.code === 'ERR_DISPOSED');
  });

  test('dispose while predict is in flight: the predict still resolves, correctly', async () => {
    const model = await CrossEncoder.load(fixtureModelDir('tiny-3label-f16'));
    const pairs = Array.from({ length: 600 }, (_, i) => [longText(30, i), longText(60, i + 9)] as const);
    const reference = await model.predict(pairs.slice(0, 3));
    const running = model.predict(pairs, { batchSize: 4 });
    // dispose() rejects calls not yet started (ERR_DISPOSED): wait until this one is running.
    while (model.stats().runningCalls === 0) await new Promise((resolve) => setImmediate(resolve));
    const disposing = model.dispose();
    await assert.rejects(model.predict(PAIRS), (error: unknown) => error instanceof CrossEncoderError && error.code === 'ERR_DISPOSED');
    const scores = await running;
    assert.equal(scores.length, pairs.length * 3);
    assert.ok(maxAbsDiff(scores.subarray(0, 9), reference) <= 1e-6);
    await disposing;
    await model.dispose(); // idempotent
    await model[Symbol.asyncDispose]();
  });
});

describe('entry points', () => {
  // Scripts live inside the package so that `cross-encoder` resolves to this package (self-reference).
  const scriptDir = path.join(CACHE_DIR, 'entry-points');
  const modelDir = JSON.stringify(fixtureModelDir('tiny-1label-f32'));
  const body = `
    const model = await CrossEncoder.load(${modelDir});
    const scores = await model.predict([['a query', 'a passage']]);
    await model.dispose();
    let disposedCode;
    try { model.tokenize('a', 'b'); } catch (error) { disposedCode = error instanceof CrossEncoderError && error.code; }
    console.log(JSON.stringify({ length: scores.length, isFloat32: scores instanceof Float32Array, disposedCode }));`;

  function run(file: string, source: string): unknown {
    mkdirSync(scriptDir, { recursive: true });
    const script = path.join(scriptDir, file);
    writeFileSync(script, source);
    const result = spawnSync(process.execPath, [script], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    return JSON.parse(result.stdout.trim());
  }

  const expected = { length: 1, isFloat32: true, disposedCode: 'ERR_DISPOSED' };

  test('the built dist/ exists (npm run build:ts)', () => {
    assert.ok(existsSync(path.join(REPO_ROOT, 'dist', 'cjs', 'index.js')), 'run `npm run build:ts` first');
    assert.ok(existsSync(path.join(REPO_ROOT, 'dist', 'esm', 'index.mjs')), 'run `npm run build:ts` first');
  });

  test('ESM: import { CrossEncoder } from "cross-encoder"', () => {
    const source = `import { CrossEncoder, CrossEncoderError } from 'cross-encoder';\n(async () => {${body}\n})();\n`;
    assert.deepEqual(run('entry.mjs', source), expected);
  });

  test('CJS: require("cross-encoder")', () => {
    const source = `const { CrossEncoder, CrossEncoderError } = require('cross-encoder');\n(async () => {${body}\n})();\n`;
    assert.deepEqual(run('entry.cjs', source), expected);
  });

  test('ESM and CJS share one implementation', () => {
    const source = `import { createRequire } from 'node:module';
      import * as esm from 'cross-encoder';
      const cjs = createRequire(import.meta.url)('cross-encoder');
      console.log(JSON.stringify({ same: esm.CrossEncoder === cjs.CrossEncoder,
        names: Object.keys(esm).sort().join() === Object.keys(cjs).filter((k) => k !== '__esModule').sort().join() }));\n`;
    assert.deepEqual(run('shared.mjs', source), { same: true, names: true });
  });
});
