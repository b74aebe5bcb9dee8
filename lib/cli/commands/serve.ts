// `cross-encoder serve`: runs the HTTP rerank server (TEI, Cohere, Jina APIs) until SIGTERM/SIGINT, then drains
// (ready -> 503, requests in flight finish) and exits 0.
import { MODEL_OPTIONS, MODEL_OPTIONS_HELP, UsageError, intOption, loadOptions, parse, required } from '../args';
import type { Command } from '../context';

const OPTIONS = {
  ...MODEL_OPTIONS,
  model: { type: 'string', short: 'm' },
  host: { type: 'string' },
  port: { type: 'string', short: 'p' },
  'max-batch-tokens': { type: 'string' },
  'max-queued-pairs': { type: 'string' },
  'max-client-batch-size': { type: 'string' },
  'request-timeout': { type: 'string' },
  'payload-limit': { type: 'string' },
  'drain-delay': { type: 'string' },
  'api-key': { type: 'string' },
  'log-level': { type: 'string' },
  'no-docs': { type: 'boolean' },
} as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const serve: Command = {
  summary: 'serve a model over HTTP (TEI /rerank and /predict, Cohere and Jina /v1/rerank, /v2/rerank)',
  usage: `Usage: cross-encoder serve --model <id|dir|demo> [options]

Serves the model over HTTP until SIGTERM or SIGINT, then drains: /ready answers 503, requests in flight finish,
the process exits 0. Logs go to stdout as JSON lines (pino).

Routes: POST /rerank, /predict (Text Embeddings Inference), POST /v1/rerank (Cohere v1 and Jina),
POST /v2/rerank (Cohere v2), GET /health, /ready, /info, /metrics (Prometheus), /openapi.json, /docs.

Options:
  -m, --model <name>              hub repo id, local directory, or 'demo'
  --host <address>                address to listen on (default 127.0.0.1; 0.0.0.0 in a container)
  -p, --port <n>                  port (default 8080)
  --max-batch-tokens <n>          tokens per forward pass across requests (library default 2048)
  --max-queued-pairs <n>          pairs waiting before requests get 429 (library default 20000)
  --max-client-batch-size <n>     texts per request (default 1000)
  --request-timeout <ms>          a request's deadline in the queue and compute (503 past it)
  --payload-limit <bytes>         largest request body (default 8388608; 413 above)
  --drain-delay <ms>              on SIGTERM, keep serving this long with /ready at 503 (default 0)
  --api-key <key>                 require Authorization: Bearer <key> (not on /health, /ready, /metrics);
                                  default: the CROSS_ENCODER_API_KEY environment variable
  --log-level <level>             ${LOG_LEVELS.join(', ')} (default info)
  --no-docs                       no /openapi.json and /docs
${MODEL_OPTIONS_HELP}`,

  async run(argv, ctx) {
    const { values } = parse('serve', argv, OPTIONS, 0);
    const modelId = required(values.model, 'model', 'serve');
    const port = intOption(values.port, 'port', 'serve', 0) ?? 8080;
    if (port > 65535) throw new UsageError(`--port must be at most 65535, got '${port}'`, 'serve');
    const logLevel = values['log-level'] ?? 'info';
    if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`, 'serve');
    const apiKey = values['api-key'] ?? process.env['CROSS_ENCODER_API_KEY'];
    const optional = (name: string, min = 1): number | undefined => intOption(values[name as keyof typeof values] as string | undefined, name, 'serve', min);
    // Loaded here, not at the top: fastify and its plugins would add ~0.3 s to every other command's start.
    const { createServer } = await import('../../server/create-server.js');
    const server = await createServer({
      modelId,
      loadOptions: loadOptions(values, 'serve'),
      ...defined({
        maxBatchTokens: optional('max-batch-tokens'),
        maxQueuedPairs: optional('max-queued-pairs'),
        maxClientBatchSize: optional('max-client-batch-size'),
        requestTimeout: optional('request-timeout'),
        payloadLimit: optional('payload-limit'),
        drainDelay: optional('drain-delay', 0),
        apiKey: apiKey === '' ? undefined : apiKey,
      }),
      docs: values['no-docs'] !== true,
      logger: { level: logLevel, stream: ctx.stdout },
    });
    // Signals are handled from the start: a SIGTERM during a slow load still exits cleanly.
    const stopped = new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    await server.listen({ host: values.host ?? '127.0.0.1', port });
    try {
      await Promise.race([server.loaded, stopped]);
    } catch (error) {
      await server.close();
      throw error;
    }
    server.app.log.info({ model: modelId }, 'model loaded and warm: ready');
    const signal = await stopped;
    server.app.log.info({ signal }, 'draining');
    await server.close();
  },
};

function defined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}
