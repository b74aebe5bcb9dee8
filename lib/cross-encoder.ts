// CrossEncoder: the public class (load, predict, rank, tokenize, dispose), validating every argument before
// anything crosses into native code.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';

import { outcomeOf, publishCall } from './diagnostics';
import { AbortError, CrossEncoderError, CrossEncoderTypeError, fromNativeError } from './errors';
import type { HubProgress, ResolveOptions } from './hub';
import { resolveModel } from './models';
import {
  NATIVE_ACTIVATIONS,
  NATIVE_PRECISIONS,
  native,
  type NativeActivation,
  type NativeCallStats,
  type NativeCancelToken,
  type NativeLoadOptions,
  type NativeModelHandle,
  type NativePrecision,
  type NativePredictOptions,
  type NativeSchedulerStats,
} from './native';
import { rankScores, type RankResult } from './rank';
import {
  abortErrorFor,
  assertAbortSignal,
  assertBoolean,
  assertInteger,
  assertOneOf,
  assertPathString,
  assertString,
  describe,
  readOptions,
  readPairs,
  readStringArray,
} from './validate';

export type Activation = NativeActivation;
/** Every activation predict() and rank() accept ('default' = the model's own); the core's list. */
export const ACTIVATIONS: readonly Activation[] = NATIVE_ACTIVATIONS;

/**
 * The arithmetic of the encoder's Linear layers (their weights are converted once, at load): 'fp32' is exact
 * (logits within 1e-5 of PyTorch); 'bf16' rounds weights and activations to bfloat16 at each matrix multiply
 * (fp32 accumulation); 'int8' quantises weights per output channel and activations per token, each token
 * over its own range with a zero point (exact int32 accumulation). Embeddings, LayerNorm, attention, GELU, residuals and the classification head stay fp32.
 */
export type Precision = NativePrecision;
/** Every precision load() accepts; the core's list. */
export const PRECISIONS: readonly Precision[] = NATIVE_PRECISIONS;

export interface LoadOptions {
  /**
   * Compute threads for this model's pool; default: the physical cores this process may use (its CPU affinity,
   * as os.availableParallelism() counts) capped by the cgroup CPU quota (/sys/fs/cgroup/cpu.max, rounded up).
   */
  threads?: number;
  /**
   * Token budget of one forward pass across all concurrent calls (default 2048): pairs of every caller are
   * batched together up to it. It bounds scratch memory (~30 MB for MiniLM at 2048) while keeping the GEMMs tall
   * enough to run at full speed; a single pair longer than it still runs, alone.
   */
  maxBatchTokens?: number;
  /**
   * Pairs admitted but not yet scored (default 20000). A call that does not fit is rejected whole, at once,
   * with ERR_OVERLOADED, before any work.
   */
  maxQueuedPairs?: number;
  /**
   * Token limit of a pair, at least the model's special tokens of a pair (3 for BERT); default and upper bound:
   * min(tokenizer model_max_length, max_position_embeddings).
   */
  maxLength?: number;
  /**
   * Default false: an F32 checkpoint's word-embedding table (half of a MiniLM's weights) stays in the weights
   * file, which is kept open, and each call reads the rows of its own tokens (through the OS page cache): no
   * load time, no resident memory for it. If that file is truncated while the model is loaded, calls reject
   * with ERR_FILE_UNREADABLE (deleting or replacing it by rename is harmless). true: copy the table into
   * memory at load, as F16/BF16 tables always are.
   */
  embeddingsInMemory?: boolean;
  /**
   * 'fp32' (default, exact), 'bf16' or 'int8' (see Precision): the reduced ones are faster on CPUs with
   * AVX512-BF16 / VNNI (or AMX, NEON bf16/i8mm) and rank almost exactly like fp32 (README: Precision).
   */
  precision?: Precision;
  /** Hub only: branch, tag or commit sha; default 'main'. */
  revision?: string;
  /** Hub only: the HF cache; default HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub. */
  cacheDir?: string;
  /** Hub only: token for private/gated repos; default HF_TOKEN. */
  token?: string;
  /** Hub only: use the HF cache and never the network (as HF_HUB_OFFLINE=1). */
  localFilesOnly?: boolean;
  /** Hub only: download progress, per file. */
  onProgress?: (progress: HubProgress) => void;
  /** Cancels a download; loading from disk itself is not interruptible, but an abort during it still rejects. */
  signal?: AbortSignal;
}

export interface PredictOptions {
  /**
   * Kept for compatibility and still checked (a positive integer), but no longer used: the model batches the
   * pairs of all concurrent calls by tokens (LoadOptions.maxBatchTokens). Results never depended on it.
   */
  batchSize?: number;
  /** 'default' = the model's own activation (sentence-transformers rules). */
  activation?: Activation;
  /** Removes the call's queued pairs at once and rejects with AbortError (code ABORT_ERR). */
  signal?: AbortSignal;
  /**
   * An integer >= 0, lower runs earlier (default 0). Aging keeps lower priorities from starving: a waiting
   * call moves up one level per 100 ms it has waited.
   */
  priority?: number;
  /** Milliseconds (an integer >= 1): rejects with ERR_TIMEOUT after it and drops the call's unstarted pairs. */
  timeout?: number;
}

/** The model's scheduler counters: current queue and running work, and counts since load. */
export type ModelStats = NativeSchedulerStats;

export interface RankOptions extends PredictOptions {
  /** Keep only the best `topK` results (all when topK exceeds the number of documents). */
  topK?: number;
  /** Include each document's text as `text`. */
  returnDocuments?: boolean;
}

export type { RankResult } from './rank';

export interface Encoding {
  inputIds: number[];
  tokenTypeIds: number[];
}

/** A pair of texts: [query, passage]. */
export type TextPair = readonly [string, string];

/** What the model's weights file held, as the core read it at load. */
export interface WeightsInfo {
  /** Parameter count per stored dtype (e.g. { F16: 2376193 }); computation is fp32 whatever the storage. */
  readonly dtypes: Readonly<Record<string, number>>;
  readonly parameters: number;
  /** Size of the weights in bytes: model.safetensors, or the sum of its shards. */
  readonly bytes: number;
}

type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type ModelConfig = { readonly [key: string]: JsonValue };

const LOAD_OPTIONS = ['threads', 'maxLength', 'embeddingsInMemory', 'maxBatchTokens', 'maxQueuedPairs', 'precision', 'revision', 'cacheDir', 'token', 'localFilesOnly', 'onProgress', 'signal'] as const;
const PREDICT_OPTIONS = ['batchSize', 'activation', 'signal', 'priority', 'timeout'] as const;
const RANK_OPTIONS = ['topK', 'returnDocuments', ...PREDICT_OPTIONS] as const;
const DEFAULT_BATCH_SIZE = 32;
// Far above any real core count; a typo like 10000 should fail loudly instead of spawning threads.
const MAX_THREADS = 1024;
// The binding's bounds: 2^30 for the scheduler's sizes and priorities, setTimeout's 2^31 - 1 ms for timeout.
const MAX_SCHEDULER_SIZE = 2 ** 30;
/** The largest `priority` a call takes (the server's schemas bound theirs by it). */
export const MAX_PRIORITY = MAX_SCHEDULER_SIZE;
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

interface ParsedPredictOptions {
  batchSize: number;
  activation: Activation;
  signal: AbortSignal | undefined;
  priority: number;
  timeout: number | undefined;
}

function parsePredictOptions(options: Record<string, unknown>, prefix: string): ParsedPredictOptions {
  const { batchSize = DEFAULT_BATCH_SIZE, activation = 'default', signal, priority = 0, timeout } = options;
  assertInteger(batchSize, `${prefix}.batchSize`, 1, 'a positive integer');
  assertOneOf(activation, `${prefix}.activation`, ACTIVATIONS);
  if (signal !== undefined) assertAbortSignal(signal, `${prefix}.signal`);
  assertInteger(priority, `${prefix}.priority`, 0, `an integer from 0 to ${MAX_SCHEDULER_SIZE}`, MAX_SCHEDULER_SIZE);
  if (timeout !== undefined) {
    assertInteger(timeout, `${prefix}.timeout`, 1, `an integer from 1 to ${MAX_TIMEOUT_MS} (milliseconds)`, MAX_TIMEOUT_MS);
  }
  return { batchSize, activation, signal: signal as AbortSignal | undefined, priority, timeout: timeout as number | undefined };
}

/** Checks the hub options of load(); they are ignored for 'demo' and local directories. */
function parseHubOptions(options: Record<string, unknown>): ResolveOptions {
  const { revision, cacheDir, token, localFilesOnly, onProgress, signal } = options;
  const parsed: ResolveOptions = {};
  for (const [key, value] of Object.entries({ revision, cacheDir, token })) {
    if (value === undefined) continue;
    assertString(value, `options.${key}`);
    parsed[key as 'revision' | 'cacheDir' | 'token'] = value;
  }
  if (localFilesOnly !== undefined) {
    assertBoolean(localFilesOnly, 'options.localFilesOnly');
    parsed.localFilesOnly = localFilesOnly;
  }
  if (onProgress !== undefined) {
    if (typeof onProgress !== 'function') {
      throw new CrossEncoderTypeError('ERR_INVALID_ARG_TYPE', `Expected a function for options.onProgress but received ${describe(onProgress)}`);
    }
    parsed.onProgress = onProgress as (progress: HubProgress) => void;
  }
  if (signal !== undefined) {
    assertAbortSignal(signal, 'options.signal');
    parsed.signal = signal;
  }
  return parsed;
}

function assertMaxLength(maxLength: number, pairSpecialTokens: number): void {
  assertInteger(maxLength, 'options.maxLength', pairSpecialTokens, `an integer >= ${pairSpecialTokens}`);
}

/** Loads the native model and checks a requested maxLength against the model's own special-token count. */
async function loadHandle(dir: string, options: NativeLoadOptions): Promise<NativeModelHandle> {
  let handle: NativeModelHandle;
  try {
    handle = await native().load(dir, options);
  } catch (error) {
    const converted = fromNativeError(error);
    const { maxLength } = options;
    if (maxLength !== undefined && converted instanceof CrossEncoderError && converted.code === 'ERR_INVALID_ARGUMENT') {
      // The core refuses a maxLength it cannot use before the count can be read: load at the model's own
      // limit to learn it, so a too-small value is a RangeError that says the least value.
      const probe = await native().load(dir, { ...options, maxLength: undefined }).catch(() => undefined);
      if (probe) {
        const pairSpecialTokens = probe.info().pairSpecialTokens;
        probe.dispose();
        assertMaxLength(maxLength, pairSpecialTokens);
      }
    }
    throw converted;
  }
  if (options.maxLength !== undefined) {
    try {
      assertMaxLength(options.maxLength, handle.info().pairSpecialTokens);
    } catch (error) {
      handle.dispose();
      throw error;
    }
  }
  return handle;
}

export class CrossEncoder implements AsyncDisposable {
  /** Number of outputs per pair (config num_labels). */
  readonly numLabels: number;
  /** Label names in output order (config id2label). */
  readonly labels: readonly string[];
  /** Token limit of one pair after truncation. */
  readonly maxLength: number;
  /** The parsed config.json of the model (frozen). */
  readonly config: ModelConfig;
  /** The activation 'default' resolves to for this model. */
  readonly defaultActivation: Exclude<Activation, 'default'>;
  /** The local directory the model was loaded from (for hub ids: the snapshot in the HF cache). */
  readonly directory: string;
  readonly weights: WeightsInfo;
  /**
   * The GEMM kernel the core chose for this CPU and the model's precision: for fp32 'avx512', 'avx2', 'neon' or
   * 'portable'; for bf16/int8 e.g. 'avx512-bf16', 'avx512-vnni', 'amx-int8', 'neon-i8mm'.
   */
  readonly gemmKernel: string;
  /** The precision the model runs at (LoadOptions.precision). */
  readonly precision: Precision;
  /**
   * The model family the core runs it as ('bert', 'roberta', 'xlm-roberta', 'electra', 'modernbert',
   * 'deberta-v2'), picked from config.json's `architectures` (else `model_type`).
   */
  readonly family: string;
  /** The architecture that family runs, e.g. 'XLMRobertaForSequenceClassification'. */
  readonly architecture: string;
  /** Compute threads of the model's pool (LoadOptions.threads, or the default the cgroup quota allows). */
  readonly threads: number;
  /** Token budget of one forward pass across concurrent calls (LoadOptions.maxBatchTokens, or its default). */
  readonly maxBatchTokens: number;
  /** Admitted pairs not yet scored that the queue holds (LoadOptions.maxQueuedPairs, or its default). */
  readonly maxQueuedPairs: number;

  #handle: NativeModelHandle | undefined;
  // Native predictions not yet settled: dispose() waits for them so resources are gone when it resolves.
  readonly #inFlight = new Set<Promise<unknown>>();

  // The id or path given to load(): what diagnostics messages name the model by.
  readonly #modelId: string;

  private constructor(handle: NativeModelHandle, config: ModelConfig, directory: string, modelId: string) {
    const info = handle.info();
    this.#modelId = modelId;
    this.directory = directory;
    this.weights = Object.freeze({ dtypes: Object.freeze({ ...info.weightDtypes }), parameters: info.parameters, bytes: info.weightBytes });
    this.gemmKernel = info.gemmKernel;
    this.precision = info.precision;
    this.family = info.family;
    this.architecture = info.architecture;
    this.threads = info.threads;
    this.maxBatchTokens = info.maxBatchTokens;
    this.maxQueuedPairs = info.maxQueuedPairs;
    this.#handle = handle;
    this.numLabels = info.numLabels;
    this.labels = Object.freeze([...info.labels]);
    this.maxLength = info.maxLength;
    this.defaultActivation = info.defaultActivation;
    this.config = config;
  }

  /**
   * Loads a model: 'demo' (the built-in debian-packages-mini), a local Hugging Face model directory
   * (config.json, model.safetensors, tokenizer files), or a hub repo id such as
   * 'cross-encoder/ms-marco-MiniLM-L-6-v2' (downloaded into / read from the shared HF cache).
   */
  static async load(modelDir: string, options?: LoadOptions): Promise<CrossEncoder> {
    assertPathString(modelDir, 'modelDir');
    const record = readOptions(options, 'options', LOAD_OPTIONS);
    const { threads, maxLength, embeddingsInMemory, maxBatchTokens, maxQueuedPairs, precision } = record;
    if (threads !== undefined) {
      assertInteger(threads, 'options.threads', 1, `an integer from 1 to ${MAX_THREADS}`, MAX_THREADS);
    }
    // Only the type here: the least value is the model's count of special tokens, known once it is read.
    if (maxLength !== undefined) assertInteger(maxLength, 'options.maxLength', 1, 'a positive integer');
    if (embeddingsInMemory !== undefined) assertBoolean(embeddingsInMemory, 'options.embeddingsInMemory');
    if (precision !== undefined) assertOneOf(precision, 'options.precision', PRECISIONS);
    for (const [name, value] of Object.entries({ maxBatchTokens, maxQueuedPairs })) {
      if (value !== undefined) {
        assertInteger(value, `options.${name}`, 1, `an integer from 1 to ${MAX_SCHEDULER_SIZE}`, MAX_SCHEDULER_SIZE);
      }
    }
    const resolveOptions = parseHubOptions(record);
    const { signal } = resolveOptions;
    if (signal?.aborted) throw abortErrorFor(signal);
    const dir = await resolveModel(modelDir, resolveOptions);
    if (signal?.aborted) throw abortErrorFor(signal);
    const handle = await loadHandle(dir, {
      threads, maxLength, embeddingsInMemory,
      maxBatchTokens: maxBatchTokens as number | undefined, maxQueuedPairs: maxQueuedPairs as number | undefined,
      precision: precision as Precision | undefined,
    });
    try {
      if (signal?.aborted) throw abortErrorFor(signal);
      // The core has validated config.json already; this is the user-facing copy of all of its keys.
      const configPath = path.join(dir, 'config.json');
      const config = deepFreeze(JSON.parse(await readFile(configPath, 'utf8')) as ModelConfig);
      return new CrossEncoder(handle, config, dir, modelDir);
    } catch (error) {
      handle.dispose();
      throw error instanceof CrossEncoderError || error instanceof AbortError ? error : new CrossEncoderError('ERR_INVALID_CONFIG',
        `config.json of ${dir} could not be re-read: ${(error as Error).message}`, { cause: error });
    }
  }

  #live(): NativeModelHandle {
    if (!this.#handle) throw new CrossEncoderError('ERR_DISPOSED', 'This CrossEncoder has been disposed');
    return this.#handle;
  }

  /** Token ids of a pair exactly as predict() sees them (after truncation to maxLength). */
  tokenize(query: string, passage: string): Encoding {
    assertString(query, 'query');
    assertString(passage, 'passage');
    const handle = this.#live();
    try {
      return handle.tokenize(query, passage);
    } catch (error) {
      throw fromNativeError(error);
    }
  }

  /** Scores pairs: a Float32Array of pairs.length * numLabels values, row-major. */
  async predict(pairs: readonly TextPair[], options?: PredictOptions): Promise<Float32Array> {
    const copied = readPairs(pairs, 'pairs');
    const parsed = parsePredictOptions(readOptions(options, 'options', PREDICT_OPTIONS), 'options');
    return this.#run(copied, parsed);
  }

  /**
   * Scores `documents` against `query` and sorts them by score (descending; ties keep document order),
   * as sentence-transformers CrossEncoder.rank. Only for single-label models.
   */
  async rank(query: string, documents: readonly string[], options?: RankOptions): Promise<RankResult[]> {
    assertString(query, 'query');
    const copied = readStringArray(documents, 'documents');
    const record = readOptions(options, 'options', RANK_OPTIONS);
    const { topK, returnDocuments = false } = record;
    if (topK !== undefined) assertInteger(topK, 'options.topK', 1, 'a positive integer');
    assertBoolean(returnDocuments, 'options.returnDocuments');
    const parsed = parsePredictOptions(record, 'options');
    this.#live();
    if (this.numLabels !== 1) {
      // Same wording as sentence-transformers' ValueError.
      throw new CrossEncoderError(
        'ERR_UNSUPPORTED_OPERATION',
        `CrossEncoder.rank() only works for models with num_labels=1. Consider using CrossEncoder.predict() ` +
          `with input pairs instead. (this model has num_labels=${this.numLabels})`,
      );
    }
    if (copied.length === 0) {
      if (parsed.signal?.aborted) throw abortErrorFor(parsed.signal);
      return [];
    }
    const pairs = copied.map((document): TextPair => [query, document]);
    const scores = await this.#run(pairs, parsed);
    return rankScores(scores, copied, topK, returnDocuments);
  }

  /** The scheduler's counters: queued and running work now, and counts since load. */
  stats(): ModelStats {
    return { ...this.#live().stats() };
  }

  /**
   * Releases the model. Calls none of whose pairs have started reject with ERR_DISPOSED; calls already running
   * finish (and resolve); this waits for them. Idempotent.
   */
  async dispose(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    handle?.dispose();
    await Promise.allSettled([...this.#inFlight]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  async #run(pairs: readonly TextPair[], options: ParsedPredictOptions): Promise<Float32Array> {
    const { signal } = options;
    if (signal?.aborted) throw abortErrorFor(signal);
    const handle = this.#live();
    if (pairs.length === 0) return new Float32Array(0);
    let token: NativeCancelToken | undefined;
    if (signal) token = new (native().CancelToken)();
    const nativeOptions: NativePredictOptions = {
      activation: options.activation, batchSize: options.batchSize, priority: options.priority,
    };
    if (options.timeout !== undefined) nativeOptions.timeout = options.timeout;
    if (token) nativeOptions.cancel = token;
    const report = (outcome: ReturnType<typeof outcomeOf>, stats: NativeCallStats | undefined) => publishCall({
      model: this.#modelId, pairs: pairs.length, priority: options.priority, outcome,
      queueMs: stats?.queueMs ?? 0, computeMs: stats?.computeMs ?? 0, truncatedPairs: stats?.truncatedPairs ?? 0,
    });
    let scoring: Promise<Float32Array>;
    try {
      scoring = handle.predict(pairs, nativeOptions);
    } catch (error) {
      const converted = fromNativeError(error);
      if (converted instanceof CrossEncoderError && converted.code === 'ERR_OVERLOADED') report('overloaded', undefined);
      throw converted;
    }
    // Set when the caller's signal fired first: the caller saw an AbortError, whatever the native call did after.
    let callerAborted = false;
    // One place sees every settled call: report it, convert the error, hand the scores out without callStats.
    const settled = scoring.then(
      (scores) => {
        report(callerAborted ? 'aborted' : 'ok', (scores as Float32Array & { callStats?: NativeCallStats }).callStats);
        return new Float32Array(scores.buffer, scores.byteOffset, scores.length);
      },
      (error: unknown) => {
        const code = (error as { code?: string } | null)?.code;
        report(callerAborted ? 'aborted' : outcomeOf(code), (error as { callStats?: NativeCallStats } | null)?.callStats);
        throw fromNativeError(error);
      },
    );
    const tracked = settled.catch(() => undefined);
    this.#inFlight.add(tracked);
    void tracked.finally(() => this.#inFlight.delete(tracked));
    if (!signal || !token) return settled;
    const cancelToken = token;
    return new Promise<Float32Array>((resolve, reject) => {
      // Reject at once on abort; the token ends the native call too, taking its queued pairs off the queue.
      const onAbort = () => {
        callerAborted = true;
        cancelToken.cancel();
        reject(abortErrorFor(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      settled.then(
        (scores) => {
          signal.removeEventListener('abort', onAbort);
          resolve(scores);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error instanceof CrossEncoderError && error.code === 'ERR_CANCELLED' ? abortErrorFor(signal) : error);
        },
      );
    });
  }
}
