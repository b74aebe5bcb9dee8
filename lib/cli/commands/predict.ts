// `cross-encoder predict`: scores JSONL pairs and prints one JSON line per pair, in input order.
import { ACTIVATIONS, type Activation, type TextPair } from '../../cross-encoder';
import { MODEL_OPTIONS, MODEL_OPTIONS_HELP, UsageError, intOption, loadOptions, parse, required } from '../args';
import type { Command } from '../context';
import { readInput } from '../input';
import { loadModel } from '../load-model';

const OPTIONS = {
  ...MODEL_OPTIONS,
  model: { type: 'string', short: 'm' },
  file: { type: 'string', short: 'f' },
  'batch-size': { type: 'string' },
  activation: { type: 'string' },
} as const;

/** One JSONL record as a pair; the error names the line so a bad record in a big file is easy to find. */
function toPair(line: string, lineNumber: number): TextPair {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    throw new Error(`input line ${lineNumber} is not valid JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(record) && record.length === 2 && typeof record[0] === 'string' && typeof record[1] === 'string') {
    return [record[0], record[1]];
  }
  if (record !== null && typeof record === 'object' && !Array.isArray(record)) {
    const { query, passage } = record as Record<string, unknown>;
    if (typeof query === 'string' && typeof passage === 'string') return [query, passage];
  }
  throw new Error(`input line ${lineNumber}: expected {"query": string, "passage": string} or [string, string]`);
}

export const predict: Command = {
  summary: 'score JSONL pairs ({"query","passage"} or [a, b]) and print JSON lines',
  usage: `Usage: cross-encoder predict --model <id|dir|demo> [--file pairs.jsonl] [options]

Reads one pair per non-empty line from --file or piped stdin, as {"query": ..., "passage": ...} or
["query", "passage"], and prints one JSON line per pair in input order: {"score": s} for a single-label
model, {"scores": [...], "labels": [...]} otherwise.

Options:
  -m, --model <name>     hub repo id, local directory, or 'demo'
  -f, --file <path>      JSONL input ('-' = stdin)
  --batch-size <n>       pairs per forward pass (default 32)
  --activation <name>    ${ACTIVATIONS.join(' | ')} (default: the model's own)
${MODEL_OPTIONS_HELP}`,

  async run(argv, ctx) {
    const { values } = parse('predict', argv, OPTIONS, 0);
    const model = required(values.model, 'model', 'predict');
    const batchSize = intOption(values['batch-size'], 'batch-size', 'predict');
    const activation = values.activation;
    if (activation !== undefined && !(ACTIVATIONS as readonly string[]).includes(activation)) {
      throw new UsageError(`--activation must be one of ${ACTIVATIONS.join(', ')}, got '${activation}'`, 'predict');
    }
    const options = loadOptions(values, 'predict');
    const text = await readInput(values.file, ctx, 'predict', 'pairs');
    const pairs: TextPair[] = [];
    for (const [i, line] of text.split('\n').entries()) {
      if (line.trim() !== '') pairs.push(toPair(line, i + 1));
    }
    const encoder = await loadModel(model, options, ctx);
    try {
      const scores = await encoder.predict(pairs, {
        ...(batchSize !== undefined ? { batchSize } : {}),
        ...(activation !== undefined ? { activation: activation as Activation } : {}),
      });
      const n = encoder.numLabels;
      for (let i = 0; i < pairs.length; i++) {
        const row = Array.from(scores.subarray(i * n, (i + 1) * n));
        ctx.stdout.write(`${JSON.stringify(n === 1 ? { score: row[0] } : { scores: row, labels: encoder.labels })}\n`);
      }
    } finally {
      await encoder.dispose();
    }
  },
};
