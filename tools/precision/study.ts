// Measures which Linear layers a reduced precision may take: for each choice of layers kept wider, the ranking
// agreement with fp32 (the gate's figures) and the speed, on the precision gate's query sets. The default plans in
// cpp/model/precision.cpp come from its output. Each choice is applied through CE_PRECISION_PLAN at load.
//
//   node --import tsx tools/precision/study.ts [--model demo|minilm] [--precision int8|bf16] [--queries N]
//        [--threads N] [--plans 'label:spec;label:spec']
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { CrossEncoder, type Precision } from '../../lib/index';
import type { LabelledQuery } from '../../lib/eval/labelled-file';
import { agreement } from '../../lib/eval/metrics';
import { DEMO_MODEL_DIR, MINILM_DIR } from '../../test/helpers/paths';
import { debianPairQueries, demoQueries, everyNth } from '../../test/helpers/ranking-sets';

const ROLES = ['query', 'key', 'value', 'attention_output', 'intermediate', 'output'] as const;

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'demo' },
    precision: { type: 'string', default: 'int8' },
    queries: { type: 'string', default: '100' },
    threads: { type: 'string', default: '2' },
    plans: { type: 'string' },
  },
});
const precision = values.precision as Exclude<Precision, 'fp32'>;
if (!['bf16', 'int8'].includes(precision)) throw new Error(`--precision must be bf16 or int8, got ${precision}`);
const reduced = precision === 'bf16' ? 'bf16' : 'i8';
const count = Number(values.queries);
const threads = Number(values.threads);
const dir = values.model === 'minilm' ? MINILM_DIR : DEMO_MODEL_DIR;
const queries: LabelledQuery[] = values.model === 'minilm' ? debianPairQueries(count, 16) : everyNth(demoQueries(), count);

// Choices: the precision's own default plan, every role reduced, each role alone kept fp32, each role alone reduced,
// (int8) the FFN output projection in bf16, and attention's matmuls in f32 or bf16.
const plans: [string, string][] = values.plans
  ? values.plans.split(';').map((p) => p.split(':') as [string, string])
  : [
      ['default plan', ''],
      [`all ${reduced}`, `all=${reduced},head=f32`],
      ...ROLES.map((role): [string, string] => [`${role} f32`, `all=${reduced},head=f32,${role}=f32`]),
      ...ROLES.map((role): [string, string] => [`only ${role}`, `all=f32,${role}=${reduced}`]),
      ...(precision === 'int8' ? [['output bf16', `all=i8,head=f32,output=bf16`] as [string, string]] : []),
      // Attention's own matmuls (not a Linear role): each format with the default Linear plan.
      ['attention f32', 'attention=f32'],
      ['attention bf16', 'attention=bf16'],
    ];

async function score(options: { precision: Precision; plan?: string }): Promise<{ scores: Float32Array[]; seconds: number; kernel: string }> {
  if (options.plan) process.env['CE_PRECISION_PLAN'] = options.plan;
  else delete process.env['CE_PRECISION_PLAN'];
  await using model = await CrossEncoder.load(dir, { precision: options.precision, threads });
  const pairs = queries.flatMap((q) => q.passages.map((p) => [q.query, p] as const));
  await model.predict(pairs.slice(0, 64)); // warm-up
  const start = performance.now();
  const logits = await model.predict(pairs, { activation: 'identity' });
  const seconds = (performance.now() - start) / 1000;
  const scores: Float32Array[] = [];
  let offset = 0;
  for (const q of queries) {
    scores.push(logits.slice(offset, offset + q.passages.length));
    offset += q.passages.length;
  }
  return { scores, seconds, kernel: model.gemmKernel };
}

async function main(): Promise<void> {
  const reference = await score({ precision: 'fp32' });
  const pairs = queries.reduce((n, q) => n + q.passages.length, 0);
  console.log(`${values.model} ${precision}: ${queries.length} queries, ${pairs} pairs, ${threads} threads; fp32 ` +
    `${(pairs / reference.seconds).toFixed(0)} pairs/s (${reference.kernel})`);
  console.log(['choice', 'CE_PRECISION_PLAN', 'Spearman med', 'min', 'top-1', 'ΔMRR@10', '|Δ| p50', 'p99', 'max', 'speed vs fp32'].join('\t'));
  for (const [label, plan] of plans) {
    const run = await score({ precision, plan });
    const a = agreement(queries.map((q, i) => ({ reference: reference.scores[i]!, candidate: run.scores[i]!, labels: q.labels! })));
    console.log([
      label, plan || '(none)', a.medianSpearman.toFixed(5), a.minSpearman.toFixed(4), `${(a.top1Agreement * 100).toFixed(1)}%`,
      a.deltaMrr10!.toFixed(4), a.absDelta.p50.toExponential(2), a.absDelta.p99.toExponential(2), a.absDelta.max.toExponential(2),
      `${(reference.seconds / run.seconds).toFixed(2)}x`,
    ].join('\t'));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
