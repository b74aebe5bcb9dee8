// DeBERTa-v2/v3 (DebertaV2ForSequenceClassification) through the public API: metadata, bitwise thread and
// batching invariance, and pairs past 1,024 tokens (the tiny f32 fixture allows 1,280).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';

import { CrossEncoder } from '../lib/index';
import { fixtureModelDir, TINY_DEBERTA_MODELS } from './helpers/paths';
import { longText, PASSAGES, QUERY } from './helpers/texts';

type Name = (typeof TINY_DEBERTA_MODELS)[number];
const loaded: CrossEncoder[] = [];
async function load(name: Name, options?: { threads?: number; maxLength?: number; maxBatchTokens?: number }) {
  const model = await CrossEncoder.load(fixtureModelDir(name), options);
  loaded.push(model);
  return model;
}
after(async () => {
  await Promise.all(loaded.map((model) => model.dispose()));
});

const PAIRS = [...PASSAGES.map((passage) => [QUERY, passage] as const), [longText(60), longText(150, 4)] as const, ['', ''] as const];

describe('DeBERTa-v2/v3', () => {
  for (const name of TINY_DEBERTA_MODELS) {
    test(`${name}: metadata comes from config.json`, async () => {
      const model = await load(name);
      const config = JSON.parse(readFileSync(path.join(fixtureModelDir(name), 'config.json'), 'utf8'));
      assert.equal(config.model_type, 'deberta-v2');
      assert.equal(model.numLabels, Object.keys(config.id2label).length);
      const tokenizerConfig = JSON.parse(readFileSync(path.join(fixtureModelDir(name), 'tokenizer_config.json'), 'utf8'));
      assert.equal(model.maxLength, Math.min(config.max_position_embeddings, tokenizerConfig.model_max_length));
    });

    test(`${name}: scores are bitwise independent of threads and batch size`, async () => {
      const one = await load(name, { threads: 1 });
      const two = await load(name, { threads: 2 });
      const reference = await one.predict(PAIRS, { activation: 'identity', batchSize: 32 });
      assert.ok(reference.every(Number.isFinite));
      assert.deepEqual(await two.predict(PAIRS, { activation: 'identity', batchSize: 32 }), reference);
      for (const batchSize of [1, 3]) {
        assert.deepEqual(await two.predict(PAIRS, { activation: 'identity', batchSize }), reference, `batchSize ${batchSize}`);
      }
    });
  }

  test('a pair past 1,024 tokens is scored at full length, the same alone or in a batch', async () => {
    const model = await load('tiny-deberta-1label-f32', { threads: 2 });
    assert.equal(model.maxLength, 1280);
    const long = [longText(800), longText(800, 7)] as const;
    assert.equal(model.tokenize(long[0], long[1]).inputIds.length, 1280);
    const alone = await model.predict([long], { activation: 'identity' });
    assert.ok(Number.isFinite(alone[0]!));
    const batched = await model.predict([PAIRS[0]!, long, PAIRS[1]!], { activation: 'identity' });
    assert.equal(batched[1], alone[0]);
    // Truncated to 1,100 tokens the logit moves: the tail is really attended to.
    const shorter = await load('tiny-deberta-1label-f32', { maxLength: 1100 });
    assert.notEqual((await shorter.predict([long], { activation: 'identity' }))[0], alone[0]);
  });
});
