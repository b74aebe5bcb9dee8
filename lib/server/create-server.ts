// createServer(): the fastify app with the TEI, Cohere/Jina and operational routes over one model, the model
// loaded (and warmed) after the app exists so /ready can say 503 meanwhile, and a draining close().
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

import { CrossEncoder, type LoadOptions } from '../cross-encoder';
import { COHERE_ERRORS, COHERE_V1_ERRORS, TEI_ERRORS } from './api-error';
import { requireApiKey } from './auth';
import { createMetrics } from './metrics';
import type { ServedModel } from './model';
import { resolveServerOptions, type ResolvedServerOptions, type ServerOptions } from './options';
import { cohereV1Route, cohereV2Route } from './routes/cohere';
import { infoRoute, openRoutes } from './routes/ops';
import { teiRoutes } from './routes/tei';
import { ServerState } from './state';
import { packageVersion } from './version';

export interface RerankServer {
  /** The fastify instance (inject() for tests, or more routes and hooks before listen()). */
  readonly app: FastifyInstance;
  /** Settles once the model is loaded and warm (then /ready answers 200); rejects if loading failed. */
  readonly loaded: Promise<void>;
  /** Starts listening; resolves to the address. */
  listen(options?: { host?: string; port?: number }): Promise<string>;
  /**
   * Drains: /ready answers 503 at once, requests are still served for `drainDelay` ms, then the server stops
   * accepting connections, waits for the requests in flight, and disposes the model if it loaded it.
   */
  close(): Promise<void>;
}

async function loadModel(options: ResolvedServerOptions): Promise<ServedModel> {
  if (options.model) return options.model;
  const load: Record<string, unknown> = { ...options.loadOptions };
  // Passed only when set: a library without the request scheduler rejects them as unknown options.
  if (options.maxBatchTokens !== undefined) load['maxBatchTokens'] = options.maxBatchTokens;
  if (options.maxQueuedPairs !== undefined) load['maxQueuedPairs'] = options.maxQueuedPairs;
  if (options.precision !== undefined) load['precision'] = options.precision;
  return CrossEncoder.load(options.modelId as string, load as LoadOptions);
}

/** One small call so the first request does not pay for cold pages and the pool's first wake-up. */
async function warmUp(model: ServedModel): Promise<void> {
  await model.predict([['warm-up query', 'warm-up passage']]);
}

export async function createServer(serverOptions: ServerOptions): Promise<RerankServer> {
  const options = resolveServerOptions(serverOptions);
  const version = packageVersion();
  const modelId = options.modelId ?? options.model?.directory ?? 'model';
  const state = new ServerState(modelId, { maxClientBatchSize: options.maxClientBatchSize, requestTimeout: options.requestTimeout });
  const metrics = createMetrics(options.modelId);
  const app = Fastify({
    logger: options.logger,
    bodyLimit: options.payloadLimit,
    // Types are checked, never coerced (fastify's default turns "texts": "a" into ["a"]); unknown fields
    // (Cohere's rank_fields, a client's extras) are allowed and ignored.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    forceCloseConnections: 'idle',
  });

  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000);
  });
  // While draining, every answer closes its connection: the in-flight ones would otherwise hold close() open for
  // fastify's keep-alive timeout (72 s), and clients reconnect to another replica.
  app.addHook('onSend', async (_request, reply) => {
    if (state.lifecycle === 'draining') void reply.header('connection', 'close');
  });
  // A client that hangs up before its answer gets no onResponse (and no onRequestAbort once its body was read):
  // counted as 499 (client closed request), as nginx does.
  app.addHook('onRequest', async (request, reply) => {
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) metrics.observeRequest(request.routeOptions.url ?? 'unmatched', request.method, 499);
    });
  });

  if (options.docs) {
    await app.register(swagger, {
      openapi: {
        info: { title: 'cross-encoder rerank server', version, description: 'TEI, Cohere and Jina rerank APIs over one cross-encoder' },
        ...(options.apiKey !== undefined
          ? { components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } }, security: [{ bearer: [] }] }
          : {}),
      },
    });
  }

  await app.register(async (scope) => openRoutes(scope, state, metrics));
  await app.register(async (scope) => {
    if (options.apiKey !== undefined) requireApiKey(scope, options.apiKey, TEI_ERRORS);
    teiRoutes(scope, state);
    infoRoute(scope, state, { version, maxBatchTokens: options.maxBatchTokens, maxQueuedPairs: options.maxQueuedPairs });
    if (options.docs) {
      scope.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
      await scope.register(swaggerUi, { routePrefix: '/docs' });
    }
  });
  await app.register(async (scope) => {
    if (options.apiKey !== undefined) requireApiKey(scope, options.apiKey, COHERE_V1_ERRORS);
    cohereV1Route(scope, state);
  });
  await app.register(async (scope) => {
    if (options.apiKey !== undefined) requireApiKey(scope, options.apiKey, COHERE_ERRORS);
    cohereV2Route(scope, state);
  });

  const loaded = (async () => {
    try {
      const model = await loadModel(options);
      state.model = model;
      metrics.attach(model);
      await warmUp(model);
      if (state.lifecycle === 'loading') state.lifecycle = 'ready';
    } catch (error) {
      state.loadError = error instanceof Error ? error : new Error(String(error));
      if (state.lifecycle === 'loading') state.lifecycle = 'failed';
      throw error;
    }
  })();
  // Marked handled: an embedding app that never awaits `loaded` sees the failure on /ready, not a crash.
  loaded.catch(() => undefined);

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    state.lifecycle = 'draining';
    if (options.drainDelay > 0) await new Promise((resolve) => setTimeout(resolve, options.drainDelay));
    app.log.info('closing: no new connections; waiting for the requests in flight');
    await app.close();
    metrics.close();
    if (options.modelId !== undefined) {
      await loaded.catch(() => undefined);
      await state.model?.dispose();
    }
  };

  return {
    app,
    loaded,
    async listen({ host = '127.0.0.1', port = 8080 } = {}) {
      return app.listen({ host, port });
    },
    close() {
      closing ??= close();
      return closing;
    },
  };
}
