// The only module that touches cross_encoder.node: its typed surface and a loader that fails helpfully.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What ModelHandle.info() reports about a loaded model. */
export interface NativeModelInfo {
  numLabels: number;
  maxLength: number;
  /** Tokens a pair gets besides its texts ([CLS] a [SEP] b [SEP]: 3 for BERT); the least maxLength can be. */
  pairSpecialTokens: number;
  labels: string[];
  /** The model family the core's registry picked from config.json (e.g. 'bert'). */
  family: string;
  /** The Hugging Face class it runs as (e.g. 'BertForSequenceClassification'). */
  architecture: string;
  /** The activation the core resolved for 'default' (from config.json, or by label count). */
  defaultActivation: Exclude<NativeActivation, 'default'>;
  /** Compute threads of the model's pool. */
  threads: number;
  /** The scheduler's token budget per forward pass: the load option, or its default. */
  maxBatchTokens: number;
  /** The scheduler's bound on admitted, unscored pairs: the load option, or its default. */
  maxQueuedPairs: number;
  /** Parameter count per safetensors dtype of the weights file (e.g. { F16: 2376193 }). */
  weightDtypes: Record<string, number>;
  parameters: number;
  /** Size of the weights in bytes (model.safetensors, or the sum of its shards). */
  weightBytes: number;
  /** The GEMM kernel running the precision's weight format on this CPU ('avx512', 'avx512-bf16', ...). */
  gemmKernel: string;
  /** The precision the model runs at. */
  precision: NativePrecision;
  /**
   * Every Linear role with its weight format, then attention's own matmuls:
   * 'query=bf16,key=bf16,...,head=f32,attention=bf16'.
   */
  layerFormats: string;
}

export interface NativeEncoding {
  inputIds: number[];
  tokenTypeIds: number[];
}

/**
 * The core's activations (CE_ACTIVATIONS in cpp/api/activation.h), in its order; a unit test checks this list
 * against the addon's `activations` export.
 */
export const NATIVE_ACTIVATIONS = ['default', 'identity', 'sigmoid', 'softmax', 'tanh'] as const;
export type NativeActivation = (typeof NATIVE_ACTIVATIONS)[number];

/**
 * The core's precisions (CE_PRECISIONS in cpp/model/precision.h), in its order; a unit test checks this list
 * against the addon's `precisions` export.
 */
export const NATIVE_PRECISIONS = ['fp32', 'bf16', 'int8'] as const;
export type NativePrecision = (typeof NATIVE_PRECISIONS)[number];

/**
 * The core's error codes (CE_ERROR_CODES in cpp/common/error.h), in its order; a unit test checks this list
 * against the addon's `errorCodes` export.
 */
export const NATIVE_ERROR_CODES = [
  'ERR_INVALID_ARGUMENT',
  'ERR_FILE_NOT_FOUND',
  'ERR_FILE_UNREADABLE',
  'ERR_INVALID_CONFIG',
  'ERR_UNSUPPORTED_ARCHITECTURE',
  'ERR_INVALID_SAFETENSORS',
  'ERR_MISSING_TENSOR',
  'ERR_INVALID_TOKENIZER',
  'ERR_UNSUPPORTED_TOKENIZER',
  'ERR_CANCELLED',
  'ERR_DISPOSED',
  'ERR_OVERLOADED',
  'ERR_TIMEOUT',
  'ERR_INTERNAL',
] as const;
export type NativeErrorCode = (typeof NATIVE_ERROR_CODES)[number];

/** Native cancellation flag, polled by the core between batches. */
export interface NativeCancelToken {
  cancel(): void;
  readonly cancelled: boolean;
}

/** Read by name into ce::LoadOptions; a missing field keeps the core's default. */
export interface NativeLoadOptions {
  /** Compute threads; 0 or missing = physical cores. */
  threads?: number;
  /** 0 or missing = the model's own limit. */
  maxLength?: number;
  embeddingsInMemory?: boolean;
  /** Token budget of one forward pass across all callers; missing = 2048. */
  maxBatchTokens?: number;
  /** Pairs admitted but not yet scored; missing = 20000. */
  maxQueuedPairs?: number;
  /** Weight format of the encoder's Linear layers; missing = 'fp32'. */
  precision?: NativePrecision;
}

/** Read by name into ce::PredictOptions / ce::CallOptions; a missing field keeps the core's default. */
export interface NativePredictOptions {
  activation?: NativeActivation;
  /** Checked (an integer >= 1) and otherwise unused: the scheduler batches by tokens across calls. */
  batchSize?: number;
  cancel?: NativeCancelToken;
  /** >= 0, lower runs earlier; missing = 0. */
  priority?: number;
  /** Milliseconds >= 1; missing = none. */
  timeout?: number;
}

/** Per-call measurements, a non-enumerable `callStats` on predict's result and on its rejection's error. */
export interface NativeCallStats {
  queueMs: number;
  computeMs: number;
  truncatedPairs: number;
}

/** The scheduler's counters (ce::SchedulerStats). */
export interface NativeSchedulerStats {
  queuedCalls: number;
  queuedPairs: number;
  runningCalls: number;
  runningPairs: number;
  completedCalls: number;
  rejectedCalls: number;
  cancelledCalls: number;
  timedOutCalls: number;
  failedCalls: number;
  batches: number;
  pairs: number;
  tokens: number;
}

export interface NativeModelHandle {
  info(): NativeModelInfo;
  tokenize(a: string, b: string): NativeEncoding;
  /** Throws (synchronously) an Error with code ERR_OVERLOADED when the call does not fit the queue. */
  predict(pairs: ReadonlyArray<readonly [string, string]>, options: NativePredictOptions): Promise<Float32Array>;
  stats(): NativeSchedulerStats;
  /** Calls not yet started reject with ERR_DISPOSED; running calls finish. */
  dispose(): void;
}

export interface NativeAddon {
  /** Rejects with an Error carrying `code` (one of errorCodes). */
  load(modelDir: string, options?: NativeLoadOptions): Promise<NativeModelHandle>;
  CancelToken: new () => NativeCancelToken;
  /** CE_ERROR_CODES' strings, frozen. */
  errorCodes: readonly string[];
  /** CE_ACTIVATIONS' names, frozen. */
  activations: readonly string[];
  /** CE_PRECISIONS' names, frozen. */
  precisions: readonly string[];
  napiVersion: number;
}

// This file runs as dist/cjs/native.js when installed and as lib/native.ts under tsx: find the package root
// (the nearest package.json) instead of assuming a depth.
function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(__dirname, '..', '..');
    dir = parent;
  }
  return dir;
}

const PACKAGE_ROOT = packageRoot();

// node-gyp-build's resolution order: a local build (build/Release, then build/Debug: what `npm run build:native`
// or the install script's from-source fallback makes), then prebuilds/<platform>-<arch>/ matching this Node-API,
// libc (glibc/musl) and architecture.
interface NodeGypBuild {
  path(dir: string): string;
}
const nodeGypBuild = require('node-gyp-build') as NodeGypBuild;

let addon: NativeAddon | undefined;

/** glibc version or 'musl/other': an addon built against one libc does not load on the other. */
function libcDescription(): string {
  if (process.platform !== 'linux') return 'n/a';
  try {
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
    const glibc = report?.header?.glibcVersionRuntime;
    return glibc ? `glibc ${glibc}` : 'musl or another non-glibc libc';
  } catch {
    return 'unknown';
  }
}

function loadFailure(tried: string[], cause: unknown): Error {
  const causeText = cause instanceof Error ? cause.message : String(cause);
  const message = [
    'cross-encoder: could not load the native addon cross_encoder.node.',
    `Platform: ${process.platform}-${process.arch} (libc: ${libcDescription()}), Node ${process.versions.node}, ` +
      `Node-API ${process.versions.napi ?? 'unknown'} (the addon needs Node-API 8).`,
    `Looked in: ${tried.join(', ')}.`,
    `Cause: ${causeText}`,
    'Remedies:',
    '  - prebuilt binaries ship for linux-x64 and linux-arm64 (glibc and musl) and darwin-x64 and darwin-arm64',
    '    (macOS 11+); on those, reinstall the package so prebuilds/ is complete (a node_modules copied from',
    '    another OS, architecture or libc will not load; on musl without /etc/alpine-release, set LIBC=musl);',
    '  - elsewhere, build from source: `npm rebuild cross-encoder` (runs the install script; allow it if your npm',
    '    blocks install scripts), or `npm run build:native` in the package directory. That needs cmake >= 3.20,',
    '    a C++20 compiler (g++ >= 11 or clang >= 14) and ninja or make, no other library',
    '    (Debian/Ubuntu: apt install cmake g++ make).',
  ].join('\n');
  const error = new Error(message, { cause });
  (error as Error & { code: string }).code = 'ERR_ADDON_NOT_FOUND';
  return error;
}

/** Loads the addon on first use, so importing the package never throws. */
export function native(): NativeAddon {
  if (addon) return addon;
  let found: string;
  try {
    found = nativeAddonPath();
  } catch (cause) {
    const where = ['build/Release', 'build/Debug', `prebuilds/${process.platform}-${process.arch}`];
    const override = process.env[ADDON_OVERRIDE_ENV];
    throw loadFailure(override ? [override] : where.map((dir) => path.join(PACKAGE_ROOT, dir)), cause);
  }
  try {
    addon = require(found) as NativeAddon;
  } catch (cause) {
    throw loadFailure([found], cause);
  }
  return addon;
}

/**
 * CROSS_ENCODER_ADDON names a .node file to load instead of the package's own: the ASan build the Node tests run
 * against (scripts/test-asan-node.mjs), or a local debug build. Unset (or empty) means the usual resolution.
 */
export const ADDON_OVERRIDE_ENV = 'CROSS_ENCODER_ADDON';

/** The file native() loads (or would load); for `info` and diagnostics. */
export function nativeAddonPath(): string {
  const override = process.env[ADDON_OVERRIDE_ENV];
  if (override) {
    const file = path.resolve(override);
    if (!fs.existsSync(file)) throw new Error(`${ADDON_OVERRIDE_ENV} is set to ${override}, which does not exist`);
    return file;
  }
  return nodeGypBuild.path(PACKAGE_ROOT);
}
