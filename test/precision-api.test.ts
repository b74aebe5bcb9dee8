// The precision option end to end, without the big models: load() validation and what a model reports, the
// ranking metrics and the labelled-file reader behind `cross-encoder eval`, the CLI's --precision and eval, and
// the server's precision option and /info.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';

import { CrossEncoder, CrossEncoderTypeError, PRECISIONS } from '../lib/index';
import { runCli } from '../lib/cli/run';
import { LabelledFileError, decodeLabelledFile, parseLabelledFile } from '../lib/eval/labelled-file';
import { agreement, averageRanks, ndcgAt, quantile, reciprocalRankAt, spearman, topIndex } from '../lib/eval/metrics';
import { NATIVE_PRECISIONS, native } from '../lib/native';
import { createServer } from '../lib/server/index';
import { fixtureModelDir } from './helpers/paths';

const MODEL = fixtureModelDir('tiny-1label-f32');
const tempDirs: string[] = [];
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempFile(name: string, content: string | Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ce-precision-'));
  tempDirs.push(dir);
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** Runs the CLI in this process; resolves to its exit code and output. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const code = await runCli(args, { stdin, stdout, stderr: stderr as unknown as NodeJS.WriteStream });
  return { code, stdout: out, stderr: err };
}

describe('precision: load option and model properties', () => {
  test('PRECISIONS is the addon list, in its order', () => {
    assert.deepEqual([...native().precisions], [...NATIVE_PRECISIONS]);
    assert.deepEqual([...PRECISIONS], ['fp32', 'bf16', 'int8']);
  });

  test('a bad precision is a typed error listing the allowed values', async () => {
    await assert.rejects(CrossEncoder.load(MODEL, { precision: 'fp16' as never }), (error: unknown) =>
      error instanceof CrossEncoderTypeError && error.code === 'ERR_INVALID_ARG_VALUE' &&
      /Expected one of 'fp32', 'bf16', 'int8' for options\.precision but received 'fp16'/.test(error.message));
    await assert.rejects(CrossEncoder.load(MODEL, { precision: 8 as never }), (error: unknown) =>
      error instanceof CrossEncoderTypeError && error.code === 'ERR_INVALID_ARG_TYPE' && /options\.precision/.test(error.message));
    // The binding's own check, for callers that bypass lib/.
    assert.throws(() => native().load(MODEL, { precision: 'half' as never }), /unknown precision 'half' \(expected one of 'fp32', 'bf16', 'int8'\)/);
  });

  test("the default is 'fp32', bitwise the same as asking for it; each precision reports itself and its kernel", async () => {
    const pairs = [['a query', 'a passage about something'], ['another', 'text']] as const;
    await using plain = await CrossEncoder.load(MODEL);
    await using fp32 = await CrossEncoder.load(MODEL, { precision: 'fp32' });
    assert.equal(plain.precision, 'fp32');
    assert.match(plain.gemmKernel, /^(avx512|avx2|neon|portable)$/);
    assert.deepEqual(Array.from(await fp32.predict(pairs)), Array.from(await plain.predict(pairs)));
    for (const precision of ['bf16', 'int8'] as const) {
      await using model = await CrossEncoder.load(MODEL, { precision });
      assert.equal(model.precision, precision);
      assert.match(model.gemmKernel, precision === 'bf16' ? /bf16/ : /int8|vnni|i8mm|dotprod|i8/);
      const scores = await model.predict(pairs);
      assert.equal(scores.length, 2);
      assert.ok(scores.every((s) => Number.isFinite(s)));
    }
  });
});

describe('ranking metrics', () => {
  test('average ranks share ties; Spearman is 1, -1, undefined as expected', () => {
    assert.deepEqual(averageRanks([3, 1, 3, 2]), [1.5, 4, 1.5, 3]);
    assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
    assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
    assert.equal(spearman([1, 1, 1], [1, 2, 3]), undefined);
    // Hand-computed: ranks (1,2,3,4,5) vs (2,1,4,3,5): 1 - 6*4/(5*24) = 0.8.
    assert.ok(Math.abs(spearman([5, 4, 3, 2, 1], [4, 5, 2, 3, 1])! - 0.8) < 1e-12);
    assert.throws(() => spearman([1, 2], [1]), RangeError);
  });

  test('MRR@10 counts strictly higher scores; nDCG@10 is 1 for the ideal order', () => {
    assert.equal(topIndex([1, 3, 3, 2]), 1);
    assert.equal(reciprocalRankAt([0.9, 0.5, 0.1], [0, 1, 0]), 0.5);
    assert.equal(reciprocalRankAt([0.5, 0.5, 0.1], [0, 1, 0]), 1); // a tie is in the relevant one's favour
    assert.equal(reciprocalRankAt([...Array(11).keys()].map((i) => 11 - i), [...Array(11).keys()].map((i) => (i === 10 ? 1 : 0))), 0);
    assert.equal(reciprocalRankAt([1, 2], [0, 0]), 0);
    assert.equal(ndcgAt([3, 2, 1], [2, 1, 0]), 1);
    const swapped = ndcgAt([2, 3, 1], [2, 1, 0]);
    assert.ok(Math.abs(swapped - (1 + 3 / Math.log2(3)) / (3 + 1 / Math.log2(3))) < 1e-12);
    assert.equal(quantile([5, 1, 3], 0.5), 3);
    assert.equal(quantile([1, 2, 3, 4], 0.99), 4);
  });

  test('agreement of a scoring with itself, and with a swapped top-1', () => {
    const same = agreement([{ reference: [1, 2, 3], candidate: [1, 2, 3], labels: [0, 0, 1] }]);
    assert.equal(same.medianSpearman, 1);
    assert.equal(same.top1Agreement, 1);
    assert.equal(same.deltaMrr10, 0);
    assert.deepEqual(same.absDelta, { p50: 0, p99: 0, max: 0 });
    const swapped = agreement([
      { reference: [1, 2, 3], candidate: [1, 3.5, 3], labels: [0, 0, 1] },
      { reference: [1, 2, 3], candidate: [1, 2, 3], labels: [0, 0, 1] },
    ]);
    assert.equal(swapped.top1Agreement, 0.5);
    assert.equal(swapped.deltaMrr10, -0.25);
    assert.equal(swapped.absDelta.max, 1.5);
  });
});

describe('labelled ranking files', () => {
  test('both record shapes, optional labels, gzip', () => {
    const text = [
      JSON.stringify({ query: 'q1', passages: ['a', 'b'], labels: [1, 0] }),
      '',
      JSON.stringify({ query: 'q2', candidates: [{ text: 'c', label: 0 }, { text: 'd', label: 2 }] }),
      JSON.stringify({ query: 'q3', documents: ['e'] }),
    ].join('\r\n');
    const expected = [
      { query: 'q1', passages: ['a', 'b'], labels: [1, 0] },
      { query: 'q2', passages: ['c', 'd'], labels: [0, 2] },
      { query: 'q3', passages: ['e'] },
    ];
    assert.deepEqual(parseLabelledFile(text), expected);
    assert.deepEqual(parseLabelledFile(decodeLabelledFile(gzipSync(text))), expected);
  });

  test('a bad line names its number and what to fix', () => {
    const bad: [string, RegExp][] = [
      ['{"query": 1, "passages": []}', /line 1: expected a string "query"/],
      ['{"query": "q", "passages": ["a"], "labels": [1, 0]}', /line 1: "labels" has 2 entries for 1 passages/],
      ['{"query": "q", "passages": ["a"], "labels": [-1]}', /labels" must be an array of numbers >= 0/],
      ['{"query": "q", "candidates": [{"text": "a", "label": 1}, {"text": "b"}]}', /a "label" for every candidate or for none/],
      ['{"query": "q", "passages": []}', /no candidates/],
      ['{"query": "q"}', /expected "passages"/],
      ['\n[1]', /line 2: expected a JSON object/],
      ['{not json', /line 1: not JSON/],
    ];
    for (const [text, pattern] of bad) assert.throws(() => parseLabelledFile(text), (e: unknown) => e instanceof LabelledFileError && pattern.test(e.message));
  });
});

describe('CLI: --precision and eval', { timeout: 120_000 }, () => {
  test('--precision is checked on every model command', async () => {
    const commands: [string, string[]][] = [
      ['rank', ['--model', MODEL, '--query', 'q']],
      ['predict', ['--model', MODEL]],
      ['info', [MODEL]],
      ['serve', ['--model', MODEL]],
      ['demo', []],
      ['eval', ['--model', MODEL, '--file', 'x']],
    ];
    for (const [command, args] of commands) {
      const run = await cli([command, ...args, '--precision', 'fp16']);
      assert.equal(run.code, 2, `${command}: ${run.stderr}`);
      const expected = command === 'eval' ? 'must be one or more of fp32, bf16, int8 \\(comma-separated\\)' : 'must be one of fp32, bf16, int8';
      assert.match(run.stderr, new RegExp(`^cross-encoder ${command}: --precision ${expected}, got 'fp16'`));
    }
  });

  test('info --precision int8 --json reports the precision and kernel', async () => {
    const run = await cli(['info', MODEL, '--precision', 'int8', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const info = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.equal(info['precision'], 'int8');
    assert.match(String(info['gemmKernel']), /int8|vnni|i8mm|dotprod|i8/);
  });

  test('eval prints agreement with fp32 and label metrics per precision', async () => {
    const lines = [
      { query: 'the cat', passages: ['the cat sat on the mat', 'a dog ran fast', 'big red ball', 'the mat'], labels: [1, 0, 0, 0] },
      { query: 'dog', candidates: [{ text: 'a dog ran', label: 1 }, { text: 'the cat', label: 0 }, { text: 'hello world', label: 0 }] },
    ];
    const file = tempFile('labelled.jsonl.gz', gzipSync(lines.map((l) => JSON.stringify(l)).join('\n')));
    const run = await cli(['eval', '--model', MODEL, '--file', file, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { queries: number; candidates: number; results: Record<string, any>[] };
    assert.equal(out.queries, 2);
    assert.equal(out.candidates, 7);
    assert.deepEqual(out.results.map((r) => r['precision']), ['fp32', 'bf16', 'int8']);
    assert.equal(out.results[0]!['agreement'], undefined);
    for (const r of out.results) {
      assert.ok(r['labels'].mrr10 > 0 && r['labels'].mrr10 <= 1);
      assert.ok(r['labels'].ndcg10 > 0 && r['labels'].ndcg10 <= 1);
    }
    for (const r of out.results.slice(1)) {
      assert.equal(r['agreement'].queries, 2);
      assert.ok(r['agreement'].medianSpearman <= 1);
      assert.ok(r['agreement'].absDelta.max >= r['agreement'].absDelta.p50);
    }
    const table = await cli(['eval', '-m', MODEL, '-f', file, '--precision', 'int8', '--limit', '1']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^1 queries, 4 candidates; logit 0; agreement is against fp32\n/);
    assert.match(table.stdout, /\nfp32 .*\nint8 /);

    const broken = tempFile('broken.jsonl', '{"query": "q", "passages": ["a"], "labels": [1, 0]}\n');
    const failed = await cli(['eval', '-m', MODEL, '-f', broken]);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /--file .*broken\.jsonl: line 1: "labels" has 2 entries for 1 passages/);
    const label = await cli(['eval', '-m', MODEL, '-f', file, '--label', '3', '--precision', 'bf16']);
    assert.equal(label.code, 2);
    assert.match(label.stderr, /--label 3 is out of range: the model has 1 label/);
  });
});

describe('server: precision option and /info', { timeout: 60_000 }, () => {
  test('createServer({ precision }) loads at that precision and /info shows it', async () => {
    const server = await createServer({ modelId: MODEL, precision: 'bf16', loadOptions: { threads: 1 } });
    try {
      await server.loaded;
      const info = (await server.app.inject({ url: '/info' })).json() as Record<string, unknown>;
      assert.equal(info['precision'], 'bf16');
      assert.equal(info['model_dtype'], 'bfloat16');
      assert.match(String(info['gemm_kernel']), /bf16/);
    } finally {
      await server.close();
    }
  });

  test('a bad precision, or one given with a loaded model, is a typed error', async () => {
    await assert.rejects(createServer({ modelId: MODEL, precision: 'fp8' as never }), /Expected one of 'fp32', 'bf16', 'int8' for options\.precision but received 'fp8'/);
    await using model = await CrossEncoder.load(MODEL);
    await assert.rejects(createServer({ model, precision: 'int8' }), /precision and loadOptions apply when the server loads the model/);
  });
});
