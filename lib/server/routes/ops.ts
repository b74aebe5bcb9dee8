// Operational routes: /health (live), /ready (loaded, warm and not draining), /metrics (Prometheus), all open
// without an API key for probes and scrapers; and /info (model and limits, TEI's field names where it has them).
import type { FastifyInstance } from 'fastify';

import { UNAVAILABLE_RETRY_AFTER_S } from '../api-error';
import type { ServerMetrics } from '../metrics';
import { hasScheduler } from '../model';
import type { ServerState } from '../state';

const MODEL_DTYPES = { fp32: 'float32', bf16: 'bfloat16', int8: 'int8' } as const;

export interface InfoExtras {
  version: string;
  maxBatchTokens: number | undefined;
  maxQueuedPairs: number | undefined;
}

export function openRoutes(scope: FastifyInstance, state: ServerState, metrics: ServerMetrics): void {
  const hidden = { schema: { hide: true } } as const;
  scope.get('/health', { schema: { summary: 'Liveness: the process answers', tags: ['Operations'] } }, async () => ({ status: 'ok' }));
  // TEI answers its health check on GET / and /ping (SageMaker's) too.
  for (const url of ['/', '/ping']) scope.get(url, hidden, async () => ({ status: 'ok' }));

  scope.get('/ready', { schema: { summary: 'Readiness: 200 once the model is loaded and warm, 503 while loading or draining', tags: ['Operations'] } }, async (_request, reply) => {
    if (state.lifecycle === 'ready') return { status: 'ready' };
    void reply.code(503).header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S));
    return state.lifecycle === 'failed' ? { status: 'failed', error: state.loadError?.message ?? 'unknown error' } : { status: state.lifecycle };
  });

  scope.get('/metrics', hidden, async (_request, reply) => {
    void reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

export function infoRoute(scope: FastifyInstance, state: ServerState, extras: InfoExtras): void {
  scope.get('/info', { schema: { summary: 'The served model and the server\'s limits', tags: ['Operations'] } }, async () => {
    const model = state.requireModel();
    const id2label = Object.fromEntries(model.labels.map((label, i) => [String(i), label]));
    const label2id = Object.fromEntries(model.labels.map((label, i) => [label, i]));
    return {
      model_id: state.modelId,
      // TEI's dtype names; a model without `precision` (a test double) is the library's default, fp32.
      model_dtype: MODEL_DTYPES[model.precision ?? 'fp32'],
      precision: model.precision ?? 'fp32',
      gemm_kernel: model.gemmKernel ?? null,
      // TEI calls a single-label model a reranker and any other a classifier.
      model_type: model.numLabels === 1 ? { reranker: { id2label, label2id } } : { classifier: { id2label, label2id } },
      labels: model.labels,
      max_input_length: model.maxLength,
      max_client_batch_size: state.limits.maxClientBatchSize,
      // The limits the model's scheduler runs with (the options given, or the library's defaults).
      max_batch_tokens: model.maxBatchTokens ?? extras.maxBatchTokens ?? null,
      max_queued_pairs: model.maxQueuedPairs ?? extras.maxQueuedPairs ?? null,
      request_timeout_ms: state.limits.requestTimeout ?? null,
      auto_truncate: true,
      scheduler: hasScheduler(model),
      version: extras.version,
    };
  });
}
