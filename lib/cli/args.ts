// Command-line parsing shared by the commands: node:util parseArgs with strict checks, usage errors, and
// the model options every model-loading command accepts.
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { PRECISIONS, type LoadOptions, type Precision } from '../cross-encoder';

/** A mistake in the command line itself: exit code 2 and a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** Options of every command that loads a model. */
export const MODEL_OPTIONS = {
  revision: { type: 'string' },
  'cache-dir': { type: 'string' },
  offline: { type: 'boolean' },
  threads: { type: 'string' },
  'max-length': { type: 'string' },
  precision: { type: 'string' },
} as const satisfies Options;

export const MODEL_OPTIONS_HELP = `Model options:
  --revision <rev>     hub branch, tag or commit (default: main)
  --cache-dir <dir>    Hugging Face cache (default: HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub)
  --offline            use the cache only, never the network (same as HF_HUB_OFFLINE=1)
  --threads <n>        compute threads (default: physical cores)
  --max-length <n>     token limit of a pair (default: the model's)
  --precision <p>      ${PRECISIONS.join(', ')}: arithmetic of the Linear layers (default: fp32, exact)
Hub access tokens are read from HF_TOKEN; HF_ENDPOINT selects another hub.`;

type StrictConfig<O extends Options> = { args: string[]; options: O; strict: true; allowPositionals: true };

/** What parse() returns: parseArgs' typed values (spelt out so declaration files can name the type). */
export interface Parsed<O extends Options> {
  values: ReturnType<typeof parseArgs<StrictConfig<O>>>['values'];
  positionals: string[];
}

/** parseArgs in strict mode, its errors turned into UsageErrors that name the command. */
export function parse<O extends Options>(command: string, argv: string[], options: O, maxPositionals: number): Parsed<O> {
  let parsed;
  try {
    // --help is answered before a command runs; it is declared here only so strict mode accepts it.
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'invalid arguments', command);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument '${parsed.positionals[maxPositionals]}'`, command);
  }
  return parsed;
}

/** A positive integer option, or undefined when absent. */
export function intOption(value: string | boolean | undefined, name: string, command: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--${name} must be an integer >= ${min}, got '${String(value)}'`, command);
  }
  return Number(value);
}

/** --precision's value, or undefined when absent. */
export function precisionOption(value: string | boolean | undefined, command: string): Precision | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(PRECISIONS as readonly string[]).includes(value)) {
    throw new UsageError(`--precision must be one of ${PRECISIONS.join(', ')}, got '${String(value)}'`, command);
  }
  return value as Precision;
}

/** A required string option. */
export function required(value: string | boolean | undefined, name: string, command: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`, command);
  return value;
}

/** LoadOptions from the model options; the CLI never takes a token on the command line (it would show in ps). */
export function loadOptions(values: Record<string, string | boolean | undefined>, command: string): LoadOptions {
  const options: LoadOptions = {};
  const threads = intOption(values['threads'], 'threads', command);
  // The least maxLength depends on the model's special tokens: CrossEncoder.load checks it once loaded.
  const maxLength = intOption(values['max-length'], 'max-length', command);
  if (threads !== undefined) options.threads = threads;
  if (maxLength !== undefined) options.maxLength = maxLength;
  const precision = precisionOption(values['precision'], command);
  if (precision !== undefined) options.precision = precision;
  if (typeof values['revision'] === 'string') options.revision = values['revision'];
  if (typeof values['cache-dir'] === 'string') options.cacheDir = values['cache-dir'];
  if (values['offline'] === true) options.localFilesOnly = true;
  return options;
}
