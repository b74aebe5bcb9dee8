// The built-in 'demo' model: the shipped copy is the trained debian-packages-mini, CrossEncoder.load('demo')
// reproduces its demo_rank.json, and its held-out MRR@10 equals sentence-transformers' (demo-mrr.json).
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';

import { CrossEncoder, DEMO_MODEL, demoModelDir } from '../lib/index';
import { readJsonLinesGz } from './helpers/jsonl';
import { DEMO_MODEL_DIR, GOLDENS_DIR, REPO_ROOT } from './helpers/paths';

const SCORE_TOLERANCE = 1e-4;
const MRR_TOLERANCE = 0.001;
const SHIPPED_FILES = ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'README.md'];

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

interface DemoRank {
  query: string;
  documents: string[];
  rank: { corpus_id: number; score: number }[];
}

interface MrrGolden {
  dev_sha256: string;
  max_length: number;
  queries: number;
  candidates_per_query: number;
  mrr_at_10: number;
  recall_at_1: number;
  ranks: number[];
  candidates: number[][];
}

describe('built-in demo model', () => {
  test("'demo' resolves to models/demo of the package, a byte-identical copy of debian-packages-mini", () => {
    assert.equal(DEMO_MODEL, 'demo');
    assert.equal(demoModelDir(), path.join(REPO_ROOT, 'models', 'demo'));
    for (const file of SHIPPED_FILES) {
      assert.equal(sha256(path.join(demoModelDir(), file)), sha256(path.join(DEMO_MODEL_DIR, file)), `models/demo/${file} differs`);
    }
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { files: string[] };
    assert.ok(pkg.files.includes('models/demo/'), 'package.json files must ship models/demo/');
  });

  test("CrossEncoder.load('demo') reproduces demo_rank.json (same order, scores within 1e-4)", async () => {
    const reference = JSON.parse(readFileSync(path.join(DEMO_MODEL_DIR, 'demo_rank.json'), 'utf8')) as DemoRank;
    await using model = await CrossEncoder.load('demo');
    assert.equal(model.defaultActivation, 'sigmoid');
    assert.equal(model.maxLength, 256);
    const ours = await model.rank(reference.query, reference.documents);
    assert.deepEqual(ours.map((r) => r.corpusId), reference.rank.map((r) => r.corpus_id));
    for (const [i, want] of reference.rank.entries()) {
      const got = ours[i]!.score;
      assert.ok(Math.abs(got - want.score) <= SCORE_TOLERANCE, `rank ${i + 1}: ${got} vs reference ${want.score}`);
    }
  });

  test('held-out MRR@10 equals the sentence-transformers reference within 0.001', { timeout: 600_000 }, async (t) => {
    const golden = JSON.parse(readFileSync(path.join(GOLDENS_DIR, 'demo-mrr.json'), 'utf8')) as MrrGolden;
    const devFile = path.join(DEMO_MODEL_DIR, 'dev.jsonl.gz');
    assert.equal(sha256(devFile), golden.dev_sha256, 'dev.jsonl.gz is not the file demo-mrr.json was made from');
    const dev = readJsonLinesGz<{ q: string; p: string }>(devFile);
    assert.equal(golden.candidates.length, golden.queries);
    await using model = await CrossEncoder.load('demo', { maxLength: golden.max_length });
    let mrr = 0;
    let top1 = 0;
    let sameRank = 0;
    for (const [i, candidates] of golden.candidates.entries()) {
      assert.equal(candidates.length, golden.candidates_per_query);
      assert.equal(candidates[0], i, 'the relevant passage comes first in each candidate list');
      const logits = await model.predict(candidates.map((c) => [dev[i]!.q, dev[c]!.p] as const), { activation: 'identity' });
      // As the reference: 1 + the number of candidates scoring strictly higher than the relevant one.
      let rank = 1;
      for (let k = 1; k < logits.length; k++) if (logits[k]! > logits[0]!) rank++;
      if (rank <= 10) mrr += 1 / rank;
      if (rank === 1) top1++;
      if (rank === golden.ranks[i]) sameRank++;
    }
    mrr /= golden.candidates.length;
    t.diagnostic(`MRR@10 ours ${mrr.toFixed(6)} vs reference ${golden.mrr_at_10.toFixed(6)}; recall@1 ` +
      `${(top1 / golden.queries).toFixed(4)} vs ${golden.recall_at_1.toFixed(4)}; same rank for ${sameRank}/${golden.queries} queries`);
    assert.ok(Math.abs(mrr - golden.mrr_at_10) <= MRR_TOLERANCE, `MRR@10 ${mrr} vs reference ${golden.mrr_at_10}`);
    // A sanity floor: the model card reports 0.941; a broken engine scores far lower.
    assert.ok(mrr > 0.9, `MRR@10 ${mrr} is far below the model's published 0.941`);
  });
});
