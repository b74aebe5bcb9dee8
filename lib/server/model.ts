// What the server needs from a model (a CrossEncoder, or a test double of the same shape), and the scoring
// calls it makes, passing the scheduler's options (priority, timeout) only to a library that has them.
import type { CrossEncoder, ModelStats, PredictOptions, RankResult } from '../cross-encoder';

/** The scheduler's counters (CrossEncoder.stats()): the addon's own type, not a second copy of it. */
export type SchedulerStats = ModelStats;

/** The part of CrossEncoder the server uses. */
export type ServedModel = Pick<
  CrossEncoder,
  'predict' | 'rank' | 'labels' | 'numLabels' | 'maxLength' | 'defaultActivation' | 'directory' | 'dispose'
> & {
  stats?: () => SchedulerStats;
  precision?: CrossEncoder['precision'];
  gemmKernel?: string;
  maxBatchTokens?: number;
  maxQueuedPairs?: number;
};

/** Per-request scheduling: priority (lower runs earlier) and a deadline in milliseconds. */
export interface Scheduling {
  priority?: number;
  timeout?: number;
}

/**
 * Whether the model's library has the request scheduler (priority, timeout, stats). A library without it
 * rejects those options as unknown, so they are left out rather than failing every request.
 */
export function hasScheduler(model: ServedModel): boolean {
  return typeof model.stats === 'function';
}

function schedulingOptions(model: ServedModel, scheduling: Scheduling): Record<string, number> {
  if (!hasScheduler(model)) return {};
  const options: Record<string, number> = {};
  if (scheduling.priority !== undefined) options['priority'] = scheduling.priority;
  if (scheduling.timeout !== undefined) options['timeout'] = scheduling.timeout;
  return options;
}

export interface ScoreCall extends Scheduling {
  signal: AbortSignal;
  /** false: raw logits ('identity'); true: 'sigmoid' for one label, 'softmax' for several (as TEI). */
  normalized: boolean;
}

function activationFor(model: ServedModel, normalized: boolean): PredictOptions['activation'] {
  if (!normalized) return 'identity';
  return model.numLabels === 1 ? 'sigmoid' : 'softmax';
}

/** Documents ranked against a query, best first (all of them when topN is undefined or above their count). */
export function rankDocuments(model: ServedModel, query: string, documents: string[], topN: number | undefined, call: ScoreCall): Promise<RankResult[]> {
  // PredictOptions does not name priority/timeout in a library without the scheduler: the cast covers both.
  const options = {
    activation: activationFor(model, call.normalized),
    signal: call.signal,
    // Any integer >= 1 is a valid top_n (Cohere returns every document when it is above their count).
    ...(topN !== undefined ? { topK: Math.min(topN, documents.length) } : {}),
    ...schedulingOptions(model, call),
  } as Parameters<ServedModel['rank']>[2];
  return model.rank(query, documents, options);
}

/** Scores of pairs, numLabels per pair, row-major. */
export function scorePairs(model: ServedModel, pairs: [string, string][], call: ScoreCall): Promise<Float32Array> {
  const options = {
    activation: activationFor(model, call.normalized),
    signal: call.signal,
    ...schedulingOptions(model, call),
  } as Parameters<ServedModel['predict']>[1];
  return model.predict(pairs, options);
}
