// `cross-encoder demo`: ranks real Debian package descriptions with the built-in model, offline, and
// prints the results with timings.
import { performance } from 'node:perf_hooks';

import { CrossEncoder } from '../../cross-encoder';
import { DEMO_MODEL } from '../../models';
import { intOption, parse, precisionOption } from '../args';
import type { Command } from '../context';
import { DEMO_DOCUMENTS, DEMO_QUERIES } from '../demo-data';
import { formatScore, oneLine, table } from '../format';

const OPTIONS = { 'top-k': { type: 'string', short: 'k' }, threads: { type: 'string' }, precision: { type: 'string' } } as const;

export const demo: Command = {
  summary: 'rank a few Debian package descriptions with the built-in model (no network)',
  usage: `Usage: cross-encoder demo [--top-k <n>] [--threads <n>] [--precision <p>]

Loads the built-in 'demo' model (debian-packages-mini: a 4-layer BERT cross-encoder trained to match a
Debian package's summary to its description; it ships inside the package, so no network is used) and
ranks ${DEMO_DOCUMENTS.length} real package descriptions for ${DEMO_QUERIES.length} queries, printing the best matches and timings.

  -k, --top-k <n>   matches shown per query (default 3)
  --threads <n>     compute threads (default: physical cores)
  --precision <p>   fp32 (default, exact), bf16 or int8`,

  async run(argv, ctx) {
    const { values } = parse('demo', argv, OPTIONS, 0);
    const topK = intOption(values['top-k'], 'top-k', 'demo') ?? 3;
    const threads = intOption(values.threads, 'threads', 'demo');
    const precision = precisionOption(values.precision, 'demo');
    const loadStart = performance.now();
    const encoder = await CrossEncoder.load(DEMO_MODEL, {
      ...(threads !== undefined ? { threads } : {}),
      ...(precision !== undefined ? { precision } : {}),
    });
    const loadMs = performance.now() - loadStart;
    try {
      const texts = DEMO_DOCUMENTS.map((d) => d.text);
      ctx.stdout.write(`Model: demo (debian-packages-mini), ${texts.length} package descriptions, loaded in ${loadMs.toFixed(0)} ms ` +
        `(${encoder.precision}, kernel ${encoder.gemmKernel})\n`);
      let totalMs = 0;
      for (const query of DEMO_QUERIES) {
        const start = performance.now();
        const results = await encoder.rank(query, texts, { topK });
        const ms = performance.now() - start;
        totalMs += ms;
        ctx.stdout.write(`\nQuery: "${query}"  (${texts.length} passages in ${ms.toFixed(1)} ms)\n`);
        const rows = results.map((r, i) => {
          const doc = DEMO_DOCUMENTS[r.corpusId];
          return [String(i + 1), formatScore(r.score), doc?.pkg ?? '?', oneLine(doc?.text ?? '', 70)];
        });
        ctx.stdout.write(table(['rank', 'score', 'package', 'description'], rows));
      }
      const pairs = DEMO_QUERIES.length * texts.length;
      ctx.stdout.write(`\n${pairs} pairs scored in ${totalMs.toFixed(1)} ms (${(pairs / (totalMs / 1000)).toFixed(0)} pairs/s, ` +
        `${encoder.maxLength}-token limit)\n`);
    } finally {
      await encoder.dispose();
    }
  },
};
