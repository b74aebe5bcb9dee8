// ModernBERT end to end through the Node API: the tiny ModernBertForSequenceClassification fixtures load, report
// their limits, and score the golden pairs (texts -> our tokenizer -> our forward pass) within 1e-4 of
// sentence-transformers/PyTorch fp32, including pairs of ~1500 and ~5000 tokens (past the sliding window, past 4096).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { CrossEncoder } from '../lib/index';
import { FIXTURES_DIR } from './helpers/paths';

const LOGIT_TOLERANCE = 1e-4;
const MODELS = ['tiny-modernbert-cls-f32', 'tiny-modernbert-mean-3label-f16', 'tiny-modernbert-mean-bf16'] as const;

interface GoldenPair { a: string; b: string; input_ids: number[]; logits: number[] }
interface Golden { max_length: number; num_labels: number; labels: string[]; default_activation: string; pairs: GoldenPair[] }

for (const name of MODELS) {
  describe(`modernbert: ${name}`, () => {
    const golden = JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'goldens-modernbert', `${name}.json`), 'utf8')) as Golden;
    let model: CrossEncoder;
    before(async () => {
      model = await CrossEncoder.load(path.join(FIXTURES_DIR, 'models', name), { threads: 2 });
    });
    after(async () => {
      await model?.dispose();
    });

    test('metadata matches the reference', () => {
      assert.equal(model.maxLength, golden.max_length);
      assert.equal(model.maxLength, 8192);
      assert.equal(model.numLabels, golden.num_labels);
      assert.deepEqual([...model.labels], golden.labels);
      assert.equal(model.defaultActivation, golden.default_activation.toLowerCase());
    });

    test('token ids match the reference tokenizer', () => {
      for (const [i, p] of golden.pairs.entries()) {
        assert.deepEqual([...model.tokenize(p.a, p.b).inputIds], p.input_ids, `pair ${i}`);
      }
      assert.ok(golden.pairs.some((p) => p.input_ids.length > 4096), 'a pair longer than 4096 tokens');
    });

    test(`logits within ${LOGIT_TOLERANCE} of PyTorch fp32`, async (t) => {
      const scores = await model.predict(golden.pairs.map((p) => [p.a, p.b] as const), { activation: 'identity' });
      let worst = 0;
      for (const [i, p] of golden.pairs.entries()) {
        for (let l = 0; l < golden.num_labels; l++) {
          const diff = Math.abs(scores[i * golden.num_labels + l]! - p.logits[l]!);
          assert.ok(diff <= LOGIT_TOLERANCE, `pair ${i} label ${l}: ${scores[i * golden.num_labels + l]} vs ${p.logits[l]}`);
          worst = Math.max(worst, diff);
        }
      }
      t.diagnostic(`${golden.pairs.length} pairs, max |logit - torch| = ${worst.toExponential(2)}`);
    });
  });
}
