// Prometheus metrics of one server (its own registry, so several servers in a process do not collide):
// HTTP requests, the model's queue and batches (model.stats()), per-call queue/compute durations from the
// library's `cross-encoder:call` diagnostics channel, and Node's process metrics (event-loop delay included).
import * as diagnostics from 'node:diagnostics_channel';

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

import type { SchedulerStats, ServedModel } from './model';

/** The diagnostics channel the library publishes one message per finished call on (CALL_CHANNEL). */
export const CALL_CHANNEL_NAME = 'cross-encoder:call';

interface CallMessage {
  model?: unknown;
  pairs?: unknown;
  queueMs?: unknown;
  computeMs?: unknown;
  truncatedPairs?: unknown;
  outcome?: unknown;
}

// Seconds: a MiniLM pair takes ~0.2 ms, a 1000-document request ~0.2-2 s, a long queue several seconds.
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const PAIR_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000];

export interface ServerMetrics {
  readonly registry: Registry;
  /** Adds the scheduler's gauges and counters once the model is there, if its library has stats(). */
  attach(model: ServedModel): void;
  /** `seconds` is left out for a request the client abandoned (its duration is not a response time). */
  observeRequest(route: string, method: string, status: number, seconds?: number): void;
  close(): void;
}

const STAT_GAUGES: [keyof SchedulerStats, string][] = [
  ['queuedCalls', 'calls admitted and waiting for compute'],
  ['queuedPairs', 'pairs admitted and not yet scored'],
  ['runningCalls', 'calls with a batch being computed'],
  ['runningPairs', 'pairs in the batches being computed'],
];
const STAT_COUNTERS: [keyof SchedulerStats, string][] = [
  ['completedCalls', 'calls that finished with scores'],
  ['rejectedCalls', 'calls rejected because the queue was full (ERR_OVERLOADED)'],
  ['cancelledCalls', 'calls aborted by their signal (clients that went away)'],
  ['timedOutCalls', 'calls past their timeout (ERR_TIMEOUT)'],
  ['failedCalls', 'calls that failed otherwise'],
  ['batches', 'forward passes run'],
  ['pairs', 'pairs scored'],
  ['tokens', 'tokens scored (after truncation)'],
];

const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function registerStats(registry: Registry, stats: () => SchedulerStats): void {
  for (const [key, help] of STAT_GAUGES) {
    new Gauge({
      name: `cross_encoder_${snake(key)}`, help, registers: [registry],
      collect() {
        this.set(stats()[key]);
      },
    });
  }
  for (const [key, help] of STAT_COUNTERS) {
    new Counter({
      name: `cross_encoder_${snake(key)}_total`, help, registers: [registry],
      // The library keeps the count since load; the counter mirrors it at each scrape.
      collect() {
        this.reset();
        this.inc(stats()[key]);
      },
    });
  }
}

/**
 * `modelId` filters the channel's messages to this server's model when the server loaded it by name
 * (undefined: every message counts).
 */
export function createMetrics(modelId: string | undefined): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total', help: 'HTTP requests by route, method and status', labelNames: ['route', 'method', 'status'], registers: [registry],
  });
  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds', help: 'HTTP request duration (total, as the server saw it) by route',
    labelNames: ['route'], buckets: DURATION_BUCKETS, registers: [registry],
  });
  const queueDuration = new Histogram({
    name: 'cross_encoder_queue_duration_seconds', help: 'time a call waited in the model queue before its first batch',
    buckets: DURATION_BUCKETS, registers: [registry],
  });
  const computeDuration = new Histogram({
    name: 'cross_encoder_compute_duration_seconds', help: 'time from a call\'s first batch to its last',
    buckets: DURATION_BUCKETS, registers: [registry],
  });
  const callPairs = new Histogram({
    name: 'cross_encoder_call_pairs', help: 'pairs per model call (one per request)', buckets: PAIR_BUCKETS, registers: [registry],
  });
  const calls = new Counter({
    name: 'cross_encoder_calls_total', help: 'model calls by outcome', labelNames: ['outcome'], registers: [registry],
  });
  const truncated = new Counter({
    name: 'cross_encoder_truncated_pairs_total', help: 'pairs truncated to the model\'s max length', registers: [registry],
  });
  const onCall = (message: unknown): void => {
    const call = message as CallMessage;
    if (modelId !== undefined && call.model !== modelId) return;
    if (typeof call.queueMs === 'number') queueDuration.observe(call.queueMs / 1000);
    if (typeof call.computeMs === 'number' && call.outcome === 'ok') computeDuration.observe(call.computeMs / 1000);
    if (typeof call.pairs === 'number') callPairs.observe(call.pairs);
    if (typeof call.truncatedPairs === 'number') truncated.inc(call.truncatedPairs);
    if (typeof call.outcome === 'string') calls.inc({ outcome: call.outcome });
  };
  diagnostics.subscribe(CALL_CHANNEL_NAME, onCall);

  return {
    registry,
    attach(model) {
      // A library without the request scheduler has no queue to report: no metric rather than a false 0.
      if (typeof model.stats === 'function') registerStats(registry, () => (model.stats as () => SchedulerStats)());
    },
    observeRequest(route, method, status, seconds) {
      requests.inc({ route, method, status: String(status) });
      if (seconds !== undefined) requestDuration.observe({ route }, seconds);
    },
    close() {
      diagnostics.unsubscribe(CALL_CHANNEL_NAME, onCall);
    },
  };
}
