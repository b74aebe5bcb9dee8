// `cross-encoder eval`: scores a labelled ranking file at fp32 and at reduced precisions, and prints how closely
// each precision ranks like fp32 (Spearman, top-1, |Δlogit|) and how each does against the labels (MRR@10, nDCG@10).
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

import { PRECISIONS, type CrossEncoder, type Precision } from '../../cross-encoder';
import { decodeLabelledFile, parseLabelledFile, type LabelledQuery } from '../../eval/labelled-file';
import { agreement, ndcgAt, reciprocalRankAt, type Agreement } from '../../eval/metrics';
import { MODEL_OPTIONS, MODEL_OPTIONS_HELP, UsageError, intOption, loadOptions, parse, required } from '../args';
import type { CliContext, Command } from '../context';
import { table } from '../format';
import { loadModel } from '../load-model';

const OPTIONS = {
  ...MODEL_OPTIONS,
  model: { type: 'string', short: 'm' },
  file: { type: 'string', short: 'f' },
  label: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const DEFAULT_PRECISIONS: readonly Precision[] = ['bf16', 'int8'];

function precisionList(value: string | undefined): Precision[] {
  if (value === undefined) return [...DEFAULT_PRECISIONS];
  const list = value.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const bad = list.find((p) => !(PRECISIONS as readonly string[]).includes(p));
  if (list.length === 0 || bad !== undefined) {
    throw new UsageError(`--precision must be one or more of ${PRECISIONS.join(', ')} (comma-separated), got '${value}'`, 'eval');
  }
  return [...new Set(list as Precision[])];
}

async function readLabelledInput(file: string, ctx: CliContext): Promise<LabelledQuery[]> {
  let bytes: Buffer;
  if (file === '-') {
    if (ctx.stdin.isTTY) throw new UsageError('no input: give --file <path> or pipe the file on stdin', 'eval');
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    bytes = Buffer.concat(chunks);
  } else {
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new Error(`cannot read --file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  try {
    return parseLabelledFile(decodeLabelledFile(bytes));
  } catch (error) {
    throw new Error(`--file ${file}: ${(error as Error).message}`);
  }
}

interface PrecisionRun {
  precision: Precision;
  kernel: string;
  /** Raw logits of column `label`, per query. */
  scores: Float32Array[];
  pairsPerSecond: number;
}

/** Scores every query's candidates with `encoder` in one call (the scheduler batches them by tokens). */
async function scoreAll(encoder: CrossEncoder, queries: readonly LabelledQuery[], label: number): Promise<PrecisionRun> {
  const pairs: [string, string][] = [];
  for (const q of queries) for (const p of q.passages) pairs.push([q.query, p]);
  const start = performance.now();
  const logits = await encoder.predict(pairs, { activation: 'identity' });
  const seconds = (performance.now() - start) / 1000;
  const scores: Float32Array[] = [];
  let offset = 0;
  for (const q of queries) {
    const column = new Float32Array(q.passages.length);
    for (let i = 0; i < q.passages.length; i++) column[i] = logits[(offset + i) * encoder.numLabels + label]!;
    offset += q.passages.length;
    scores.push(column);
  }
  return { precision: encoder.precision, kernel: encoder.gemmKernel, scores, pairsPerSecond: pairs.length / seconds };
}

function labelMetrics(run: PrecisionRun, queries: readonly LabelledQuery[]): { mrr10: number; ndcg10: number } | undefined {
  const labelled = queries.map((q, i) => ({ labels: q.labels, scores: run.scores[i]! })).filter((q) => q.labels !== undefined);
  if (labelled.length === 0) return undefined;
  const mean = (f: (q: { labels?: number[]; scores: Float32Array }) => number) => labelled.reduce((s, q) => s + f(q), 0) / labelled.length;
  return { mrr10: mean((q) => reciprocalRankAt(q.scores, q.labels!)), ndcg10: mean((q) => ndcgAt(q.scores, q.labels!)) };
}

const fixed = (value: number | undefined, digits: number) => (value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits));
const sci = (value: number) => (Number.isFinite(value) ? value.toExponential(2) : String(value));

export const evalCommand: Command = {
  summary: 'compare reduced precisions with fp32 on a labelled ranking file (agreement, MRR@10, nDCG@10)',
  usage: `Usage: cross-encoder eval --model <id|dir|demo> --file <labelled.jsonl> [--precision bf16,int8] [options]

Scores every query's candidates at fp32 and at each precision given, then prints per precision: how closely it
ranks like fp32 (median and least per-query Spearman correlation, share of queries with the same best candidate,
|Δlogit| quantiles) and, when the file has labels, MRR@10 and nDCG@10 of each precision against them.

The file is JSON Lines (gzip'd is fine), one query per line, in either shape:
  {"query": "...", "passages": ["...", "..."], "labels": [1, 0]}
  {"query": "...", "candidates": [{"text": "...", "label": 1}, {"text": "...", "label": 0}]}
Labels are relevance grades >= 0 (> 0 = relevant) and optional.

Options:
  -m, --model <name>   hub repo id, local directory, or 'demo'
  -f, --file <path>    the labelled file ('-' = stdin)
  --precision <list>   precisions to compare with fp32, comma-separated (default bf16,int8)
  --label <i>          the logit that ranks, for models with several labels (default 0)
  --limit <n>          only the first n queries
  --json               one JSON object instead of a table
${MODEL_OPTIONS_HELP.replace(/\n {2}--precision[^\n]*/, '')}`,

  async run(argv, ctx) {
    const { values } = parse('eval', argv, OPTIONS, 0);
    const model = required(values.model, 'model', 'eval');
    const file = required(values.file, 'file', 'eval');
    const precisions = precisionList(values.precision).filter((p) => p !== 'fp32');
    const label = intOption(values.label, 'label', 'eval', 0) ?? 0;
    const limit = intOption(values.limit, 'limit', 'eval');
    const options = loadOptions({ ...values, precision: undefined }, 'eval');
    let queries = await readLabelledInput(file, ctx);
    if (limit !== undefined) queries = queries.slice(0, limit);
    if (queries.length === 0) throw new Error(`--file ${file} holds no queries`);

    const runs: PrecisionRun[] = [];
    for (const precision of ['fp32' as const, ...precisions]) {
      const encoder = await loadModel(model, { ...options, precision }, ctx);
      try {
        if (label >= encoder.numLabels) throw new UsageError(`--label ${label} is out of range: the model has ${encoder.numLabels} label(s)`, 'eval');
        runs.push(await scoreAll(encoder, queries, label));
      } finally {
        await encoder.dispose();
      }
    }
    const reference = runs[0]!;
    const rows = runs.map((run) => {
      const compared: Agreement | undefined = run === reference ? undefined : agreement(queries.map((q, i) => ({
        reference: reference.scores[i]!, candidate: run.scores[i]!, ...(q.labels ? { labels: q.labels } : {}),
      })));
      return { precision: run.precision, kernel: run.kernel, pairsPerSecond: run.pairsPerSecond, labels: labelMetrics(run, queries), agreement: compared };
    });
    const candidates = queries.reduce((n, q) => n + q.passages.length, 0);
    if (values.json) {
      ctx.stdout.write(`${JSON.stringify({ model, file, queries: queries.length, candidates, label, results: rows })}\n`);
      return;
    }
    ctx.stdout.write(`${queries.length} queries, ${candidates} candidates` +
      `${queries.some((q) => q.labels) ? '' : ' (no labels: agreement only)'}; logit ${label}; agreement is against fp32\n`);
    ctx.stdout.write(table(
      ['precision', 'kernel', 'MRR@10', 'nDCG@10', 'Spearman med', 'min', 'top-1 same', 'ΔMRR@10', '|Δlogit| p50', 'p99', 'max', 'pairs/s'],
      rows.map((r) => [
        r.precision, r.kernel, fixed(r.labels?.mrr10, 4), fixed(r.labels?.ndcg10, 4),
        fixed(r.agreement?.medianSpearman, 5), fixed(r.agreement?.minSpearman, 4),
        r.agreement ? `${(r.agreement.top1Agreement * 100).toFixed(1)}%` : '-',
        r.agreement?.deltaMrr10 === undefined ? '-' : (r.agreement.deltaMrr10 >= 0 ? '+' : '') + r.agreement.deltaMrr10.toFixed(4),
        r.agreement ? sci(r.agreement.absDelta.p50) : '-', r.agreement ? sci(r.agreement.absDelta.p99) : '-',
        r.agreement ? sci(r.agreement.absDelta.max) : '-', r.pairsPerSecond.toFixed(0),
      ]),
    ));
  },
};
