// Type test of the `cross-encoder/server` export (dist/esm/server.d.mts): createServer as an app embeds it.
import { CrossEncoder } from 'cross-encoder';
import { createServer, type RerankServer, type ServerOptions } from 'cross-encoder/server';

export async function embed(): Promise<void> {
  const options: ServerOptions = { modelId: 'demo', loadOptions: { threads: 2 }, maxClientBatchSize: 100, apiKey: 'k', drainDelay: 0 };
  const server: RerankServer = await createServer(options);
  const address: string = await server.listen({ host: '127.0.0.1', port: 0 });
  await server.loaded;
  const response = await server.app.inject({ method: 'GET', url: '/ready' });
  const status: number = response.statusCode;
  void address;
  void status;
  await server.close();
  const model = await CrossEncoder.load('demo');
  const embedded = await createServer({ model });
  await embedded.close();
}
