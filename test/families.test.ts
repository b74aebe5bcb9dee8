// Parity of the RoBERTa, XLM-R and ELECTRA fixtures with sentence-transformers/PyTorch fp32 through the public
// API: tokenizer ids, logits on every golden pair, default activation, maxLength from the position rule.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { CrossEncoder } from '../lib/index';
import { type FixturePair, readJsonLinesGz } from './helpers/jsonl';
import { FIXTURES_DIR, GOLDENS_DIR, PAIRS_FILE } from './helpers/paths';

const LOGIT_TOLERANCE = 1e-4;
const FAMILY_MODELS = ['xlmr-1label-f32', 'xlmr-3label-f16', 'roberta-1label-bf16', 'electra-1label-f32',
  'electra-3label-bf16'] as const;

interface FamilyGoldenLine {
  input_ids: number[];
  token_type_ids?: number[];
  logits: number[];
}

interface FamilyMeta {
  architecture: string;
  max_length: number;
  num_labels: number;
  labels: string[];
  default_activation: string;
  token_type_ids: boolean;
  pairs: { count: number };
  activations: { default: number[][] };
}

const pairs = readJsonLinesGz<FixturePair>(PAIRS_FILE);

function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length, 'length');
  let max = 0;
  for (let i = 0; i < actual.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    if (!(diff <= max)) max = Number.isNaN(diff) ? Infinity : diff;
  }
  return max;
}

for (const name of FAMILY_MODELS) {
  describe(`family parity: ${name}`, () => {
    const dir = path.join(FIXTURES_DIR, 'models', name);
    const golden = readJsonLinesGz<FamilyGoldenLine>(path.join(GOLDENS_DIR, 'families', `${name}.jsonl.gz`));
    const meta = JSON.parse(readFileSync(path.join(GOLDENS_DIR, 'families', `${name}.meta.json`), 'utf8')) as FamilyMeta;
    let model: CrossEncoder;

    before(async () => {
      model = await CrossEncoder.load(dir);
    });
    after(async () => {
      await model?.dispose();
    });

    test('metadata matches the reference', () => {
      assert.equal(golden.length, meta.pairs.count);
      assert.equal(model.maxLength, meta.max_length);
      assert.equal(model.numLabels, meta.num_labels);
      assert.deepEqual([...model.labels], meta.labels);
      assert.equal(model.defaultActivation, meta.default_activation.toLowerCase());
      assert.deepEqual(model.config['architectures'], [meta.architecture]);
      // The family the core runs it as, exposed to users as it is in info().
      assert.equal(model.architecture, meta.architecture);
      const family = { XLMRobertaForSequenceClassification: 'xlm-roberta', RobertaForSequenceClassification: 'roberta',
        ElectraForSequenceClassification: 'electra' }[meta.architecture];
      assert.equal(model.family, family);
    });

    test('tokenizer ids identical to the HF tokenizer on every golden pair', () => {
      let mismatches = 0;
      for (let i = 0; i < golden.length; i++) {
        const ours = model.tokenize(pairs[i]!.a, pairs[i]!.b);
        const expected = golden[i]!;
        const same = ours.inputIds.length === expected.input_ids.length &&
          ours.inputIds.every((id, k) => id === expected.input_ids[k]) &&
          (!meta.token_type_ids || ours.tokenTypeIds.every((id, k) => id === expected.token_type_ids![k]));
        if (!same) mismatches++;
      }
      assert.equal(mismatches, 0, `${mismatches}/${golden.length} pairs tokenized differently`);
    });

    test(`logits within ${LOGIT_TOLERANCE} of PyTorch fp32 on every golden pair`, async (t) => {
      const logits = await model.predict(golden.map((_, i) => [pairs[i]!.a, pairs[i]!.b] as const), { activation: 'identity' });
      const max = maxAbsDiff(logits, golden.flatMap((g) => g.logits));
      t.diagnostic(`${name}: max |Δlogit| = ${max.toExponential(3)} over ${golden.length} pairs ` +
        `(longest ${Math.max(...golden.map((g) => g.input_ids.length))} tokens)`);
      assert.ok(max <= LOGIT_TOLERANCE, `max |Δlogit| ${max}`);
    });

    test('default activation matches sentence-transformers', async (t) => {
      const expected = meta.activations.default;
      const scores = await model.predict(expected.map((_, i) => [pairs[i]!.a, pairs[i]!.b] as const));
      const max = maxAbsDiff(scores, expected.flat());
      t.diagnostic(`${name}: default activation max |Δ| = ${max.toExponential(3)}`);
      assert.ok(max <= LOGIT_TOLERANCE);
    });
  });
}
