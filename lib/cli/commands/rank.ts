// `cross-encoder rank`: scores passages (one per line) against a query and prints them best first.
import { MODEL_OPTIONS, MODEL_OPTIONS_HELP, intOption, loadOptions, parse, required } from '../args';
import type { Command } from '../context';
import { formatScore, oneLine, table } from '../format';
import { nonEmptyLines, readInput } from '../input';
import { loadModel } from '../load-model';

const OPTIONS = {
  ...MODEL_OPTIONS,
  model: { type: 'string', short: 'm' },
  query: { type: 'string', short: 'q' },
  file: { type: 'string', short: 'f' },
  'top-k': { type: 'string', short: 'k' },
  'batch-size': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const rank: Command = {
  summary: 'rank passages (one per line) against a query',
  usage: `Usage: cross-encoder rank --model <id|dir|demo> --query <text> [--file passages.txt] [options]

Scores each non-empty input line as a passage for the query and prints them best first: a table of
rank, score, index (0-based position among the non-empty lines) and text, or with --json one JSON object
per line: {"rank","index","score","text"}. Passages come from --file, or from stdin when it is piped.

Options:
  -m, --model <name>   hub repo id (e.g. cross-encoder/ms-marco-MiniLM-L-6-v2), local directory, or 'demo'
  -q, --query <text>   the query
  -f, --file <path>    passages, one per line ('-' = stdin)
  -k, --top-k <n>      print only the best n
  --batch-size <n>     pairs per forward pass (default 32)
  --json               JSON lines instead of a table
${MODEL_OPTIONS_HELP}`,

  async run(argv, ctx) {
    const { values } = parse('rank', argv, OPTIONS, 0);
    const model = required(values.model, 'model', 'rank');
    const query = required(values.query, 'query', 'rank');
    const topK = intOption(values['top-k'], 'top-k', 'rank');
    const batchSize = intOption(values['batch-size'], 'batch-size', 'rank');
    const options = loadOptions(values, 'rank');
    const passages = nonEmptyLines(await readInput(values.file, ctx, 'rank', 'passages'));
    const encoder = await loadModel(model, options, ctx);
    try {
      const results = await encoder.rank(query, passages, {
        returnDocuments: true,
        ...(topK !== undefined ? { topK } : {}),
        ...(batchSize !== undefined ? { batchSize } : {}),
      });
      if (values.json) {
        for (const [i, r] of results.entries()) {
          ctx.stdout.write(`${JSON.stringify({ rank: i + 1, index: r.corpusId, score: r.score, text: r.text })}\n`);
        }
      } else {
        const rows = results.map((r, i) => [String(i + 1), formatScore(r.score), String(r.corpusId), oneLine(r.text ?? '', 100)]);
        ctx.stdout.write(table(['rank', 'score', 'index', 'text'], rows));
      }
    } finally {
      await encoder.dispose();
    }
  },
};
