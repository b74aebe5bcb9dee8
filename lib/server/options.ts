// createServer's options: their types, defaults and checks (typed errors naming the option, as the library's).
import { CrossEncoderTypeError } from '../errors';
import { PRECISIONS, type LoadOptions, type Precision } from '../cross-encoder';
import type { ServedModel } from './model';

export interface ServerOptions {
  /** A loaded model to serve; the server does not dispose it. Give this or `modelId`. */
  model?: ServedModel;
  /** A model to load ('demo', a directory or a hub repo id); the server disposes it on close(). */
  modelId?: string;
  /** Options for CrossEncoder.load when `modelId` is given (threads, maxLength, revision, cacheDir, ...). */
  loadOptions?: LoadOptions;
  /** Token budget of one forward pass across all requests (library default 2048); with `modelId` only. */
  maxBatchTokens?: number;
  /** Pairs admitted but not yet scored before requests get 429 (library default 20000); with `modelId` only. */
  maxQueuedPairs?: number;
  /** 'fp32' (default, exact), 'bf16' or 'int8' (LoadOptions.precision); with `modelId` only. */
  precision?: Precision;
  /** Texts (documents, pairs) per request; more is a 413 (TEI) / 400 (Cohere). Default 1000. */
  maxClientBatchSize?: number;
  /** Bearer key every route but /health, /ready and /metrics requires. */
  apiKey?: string;
  /** Milliseconds a request may wait and run before 503 (library `timeout`; only with the request scheduler). */
  requestTimeout?: number;
  /** Largest request body in bytes (413 above). Default 8 MiB: 1000 documents of ~8 KB. */
  payloadLimit?: number;
  /** Milliseconds close() keeps serving with /ready at 503 before it stops accepting (load balancers catch up). */
  drainDelay?: number;
  /** fastify's logger option (pino): false (default) or true or pino options. */
  logger?: boolean | Record<string, unknown>;
  /** Serve /openapi.json and /docs (Swagger UI, from the package's own files). Default true. */
  docs?: boolean;
}

export interface ResolvedServerOptions extends Omit<ServerOptions, 'maxClientBatchSize' | 'payloadLimit' | 'drainDelay' | 'docs' | 'logger'> {
  maxClientBatchSize: number;
  payloadLimit: number;
  drainDelay: number;
  docs: boolean;
  logger: boolean | Record<string, unknown>;
}

const KNOWN = new Set<string>([
  'model', 'modelId', 'loadOptions', 'maxBatchTokens', 'maxQueuedPairs', 'precision', 'maxClientBatchSize', 'apiKey',
  'requestTimeout', 'payloadLimit', 'drainDelay', 'logger', 'docs',
]);

function typeError(message: string): CrossEncoderTypeError {
  return new CrossEncoderTypeError('ERR_INVALID_ARG_TYPE', message);
}

function checkInteger(value: unknown, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw typeError(`Expected an integer >= ${min} for options.${name} but received ${typeof value === 'number' ? value : typeof value}`);
  }
  return value;
}

export function resolveServerOptions(options: ServerOptions): ResolvedServerOptions {
  if (options === null || typeof options !== 'object') throw typeError('Expected an options object for createServer');
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new CrossEncoderTypeError('ERR_UNKNOWN_OPTION', `Unknown option options.${key}; known: ${[...KNOWN].join(', ')}`);
  }
  const { model, modelId } = options;
  if ((model === undefined) === (modelId === undefined)) throw typeError('Give createServer exactly one of options.model (a loaded CrossEncoder) or options.modelId');
  if (model !== undefined && (typeof model !== 'object' || model === null || typeof model.rank !== 'function' || typeof model.predict !== 'function')) {
    throw typeError('Expected a CrossEncoder for options.model');
  }
  if (modelId !== undefined && (typeof modelId !== 'string' || modelId === '')) throw typeError('Expected a non-empty string for options.modelId');
  if (model !== undefined && (options.maxBatchTokens !== undefined || options.maxQueuedPairs !== undefined ||
    options.precision !== undefined || options.loadOptions !== undefined)) {
    throw typeError('options.maxBatchTokens, maxQueuedPairs, precision and loadOptions apply when the server loads the model (options.modelId); pass them to CrossEncoder.load instead');
  }
  if (options.precision !== undefined && !(PRECISIONS as readonly unknown[]).includes(options.precision)) {
    throw new CrossEncoderTypeError('ERR_INVALID_ARG_VALUE',
      `Expected one of ${PRECISIONS.map((p) => `'${p}'`).join(', ')} for options.precision but received ${typeof options.precision === 'string' ? `'${options.precision}'` : typeof options.precision}`);
  }
  checkInteger(options.maxBatchTokens, 'maxBatchTokens', 1);
  checkInteger(options.maxQueuedPairs, 'maxQueuedPairs', 1);
  checkInteger(options.requestTimeout, 'requestTimeout', 1);
  if (options.apiKey !== undefined && (typeof options.apiKey !== 'string' || options.apiKey === '')) throw typeError('Expected a non-empty string for options.apiKey');
  if (options.docs !== undefined && typeof options.docs !== 'boolean') throw typeError('Expected a boolean for options.docs');
  return {
    ...options,
    maxClientBatchSize: checkInteger(options.maxClientBatchSize, 'maxClientBatchSize', 1) ?? 1000,
    payloadLimit: checkInteger(options.payloadLimit, 'payloadLimit', 1) ?? 8 * 1024 * 1024,
    drainDelay: checkInteger(options.drainDelay, 'drainDelay', 0) ?? 0,
    docs: options.docs ?? true,
    logger: options.logger ?? false,
  };
}
