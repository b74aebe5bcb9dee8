// Test doubles of the model a server serves: a stub with the CrossEncoder surface the server uses, whose calls
// can be recorded, made to fail with a library error code, or held until the test releases them.
import { CrossEncoderError } from '../../lib/errors';
import type { SchedulerStats, ServedModel } from '../../lib/server/model';

export interface RecordedCall {
  method: 'predict' | 'rank';
  options: Record<string, unknown>;
}

export type StubModel = ServedModel & { calls: RecordedCall[] };

/** A library error with a code this library version may not list yet (ERR_OVERLOADED, ERR_TIMEOUT). */
export function libraryError(code: string, message: string): CrossEncoderError {
  return new CrossEncoderError(code as CrossEncoderError['code'], message);
}

export const EMPTY_STATS: SchedulerStats = {
  queuedCalls: 0, queuedPairs: 0, runningCalls: 0, runningPairs: 0, completedCalls: 0, rejectedCalls: 0,
  cancelledCalls: 0, timedOutCalls: 0, failedCalls: 0, batches: 0, pairs: 0, tokens: 0,
};

/**
 * A one-label stub scoring document i as i / 10 (so the ranking is known); `behave` replaces what a scoring
 * call does after it is recorded (throw, wait for the signal, ...). The warm-up call is not recorded.
 */
export function stubModel(options: { behave?: (call: RecordedCall) => Promise<void>; stats?: boolean; labels?: string[] } = {}): StubModel {
  const calls: RecordedCall[] = [];
  const labels = options.labels ?? ['LABEL_0'];
  const record = async (method: RecordedCall['method'], callOptions: unknown, warmUp: boolean): Promise<void> => {
    if (warmUp) return;
    const call = { method, options: { ...(callOptions as Record<string, unknown>) } };
    calls.push(call);
    await options.behave?.(call);
  };
  const model: StubModel = {
    calls,
    labels,
    numLabels: labels.length,
    maxLength: 128,
    defaultActivation: 'sigmoid',
    directory: '/stub/model',
    async predict(pairs, callOptions) {
      await record('predict', callOptions, callOptions === undefined);
      return Float32Array.from({ length: pairs.length * labels.length }, (_, i) => i / 10);
    },
    async rank(_query, documents, callOptions) {
      await record('rank', callOptions, false);
      const results = documents.map((_, i) => ({ corpusId: i, score: i / 10 })).reverse();
      const topK = (callOptions as { topK?: number } | undefined)?.topK;
      return topK === undefined ? results : results.slice(0, topK);
    },
    async dispose() {},
  };
  if (options.stats) model.stats = () => ({ ...EMPTY_STATS });
  return model;
}
