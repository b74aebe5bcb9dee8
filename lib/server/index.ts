// Entry of `cross-encoder/server`: an HTTP rerank server (TEI, Cohere, Jina APIs) to run or embed.
export { createServer } from './create-server';
export type { RerankServer } from './create-server';
export type { ServerOptions } from './options';
export type { SchedulerStats, ServedModel } from './model';
