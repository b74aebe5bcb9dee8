// The server through the client SDKs users point at it (pinned dev dependencies, on a real socket): Cohere's
// TypeScript SDK (v1 and v2 clients) and the Vercel AI SDK's Cohere provider. Each must parse our answers into
// the same ranking the library gives, and surface our errors as the SDK's own error with our message.
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';

import { createCohere } from '@ai-sdk/cohere';
import { rerank } from 'ai';
import { CohereClient, CohereClientV2, CohereError } from 'cohere-ai';

import { CrossEncoder } from '../lib/index';
import { createServer, type RerankServer } from '../lib/server/index';

const QUERY = 'install a web server';
const DOCS = ['nginx: small, powerful, scalable web/proxy server', 'vim: Vi IMproved, a text editor', 'apache2: Apache HTTP Server'];
const API_KEY = 'test-key';

describe('client SDKs against the server (demo model)', () => {
  let server: RerankServer;
  let model: CrossEncoder;
  let base: string;

  before(async () => {
    server = await createServer({ modelId: 'demo', loadOptions: { threads: 1 }, apiKey: API_KEY, maxClientBatchSize: 5 });
    base = await server.listen({ host: '127.0.0.1', port: 0 });
    await server.loaded;
    model = await CrossEncoder.load('demo', { threads: 1 });
  });
  after(async () => {
    await server.close();
    await model.dispose();
  });

  test('cohere-ai CohereClientV2.rerank: the library\'s ranking, top_n applied', async () => {
    const expected = await model.rank(QUERY, DOCS, { activation: 'sigmoid' });
    const client = new CohereClientV2({ token: API_KEY, environment: base });
    const response = await client.rerank({ model: 'any', query: QUERY, documents: DOCS, topN: 2, maxTokensPerDoc: 256 });
    assert.deepEqual(response.results.map((r) => [r.index, r.relevanceScore]), expected.slice(0, 2).map((r) => [r.corpusId, r.score]));
    assert.equal(response.meta?.apiVersion?.version, '2');
  });

  test('cohere-ai CohereClient (v1).rerank: documents as strings or {text}, returnDocuments', async () => {
    const expected = await model.rank(QUERY, DOCS, { activation: 'sigmoid' });
    const client = new CohereClient({ token: API_KEY, environment: base });
    const response = await client.rerank({ query: QUERY, documents: [DOCS[0]!, { text: DOCS[1]! }, DOCS[2]!], returnDocuments: true });
    assert.deepEqual(response.results.map((r) => [r.index, r.relevanceScore, r.document?.text]),
      expected.map((r) => [r.corpusId, r.score, DOCS[r.corpusId]]));
  });

  test('the Vercel AI SDK\'s rerank() through @ai-sdk/cohere', async () => {
    const expected = await model.rank(QUERY, DOCS, { activation: 'sigmoid' });
    const cohere = createCohere({ baseURL: `${base}/v2`, apiKey: API_KEY });
    const { ranking, rerankedDocuments } = await rerank({ model: cohere.reranking('any'), query: QUERY, documents: DOCS, topN: 2 });
    assert.deepEqual(ranking.map((r) => [r.originalIndex, r.score]), expected.slice(0, 2).map((r) => [r.corpusId, r.score]));
    assert.deepEqual(rerankedDocuments, expected.slice(0, 2).map((r) => DOCS[r.corpusId]));
  });

  test('errors reach the SDK user with the status and our message', async () => {
    const client = new CohereClientV2({ token: API_KEY, environment: base });
    await assert.rejects(client.rerank({ model: 'any', query: QUERY, documents: [] }), (error: unknown) => {
      assert.ok(error instanceof CohereError, String(error));
      assert.equal(error.statusCode, 400);
      assert.match(JSON.stringify(error.body), /documents must not be empty/);
      return true;
    });
    const wrongKey = new CohereClientV2({ token: 'not-the-key', environment: base });
    await assert.rejects(wrongKey.rerank({ model: 'any', query: QUERY, documents: DOCS }), (error: unknown) => {
      assert.ok(error instanceof CohereError, String(error));
      assert.equal(error.statusCode, 401);
      return true;
    });
    // The AI SDK reads Cohere's {message} into its APICallError.
    const cohere = createCohere({ baseURL: `${base}/v2`, apiKey: API_KEY });
    await assert.rejects(rerank({ model: cohere.reranking('any'), query: QUERY, documents: Array(6).fill('x'), maxRetries: 0 }),
      /6 documents is more than the maximum of 5/);
  });
});
