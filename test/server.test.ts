// The HTTP server through fastify's inject: every route's success and error bodies with the original APIs'
// field names (TEI, Cohere v1/v2, Jina), API keys, size limits, library errors mapped to 429/503 with
// Retry-After, readiness while loading, metrics and the OpenAPI document. The demo model is real; stubs stand
// in where a library error or a held call is needed.
import { strict as assert } from 'node:assert';
import * as diagnostics from 'node:diagnostics_channel';
import { after, before, describe, test } from 'node:test';

import { CrossEncoder } from '../lib/index';
import { createServer, type RerankServer } from '../lib/server/index';
import { fixtureModelDir } from './helpers/paths';
import { EMPTY_STATS, libraryError, stubModel } from './helpers/served-model';

const QUERY = 'install a web server';
const DOCS = ['nginx: small, powerful, scalable web/proxy server', 'vim: Vi IMproved, a text editor', 'apache2: Apache HTTP Server'];

type Json = Record<string, unknown>;

async function post(server: RerankServer, url: string, payload: unknown, headers: Record<string, string> = {}) {
  const response = await server.app.inject({ method: 'POST', url, payload: payload as Json, headers });
  return { url, status: response.statusCode, headers: response.headers, body: response.json() as unknown };
}

function assertKeys(value: unknown, keys: string[], what: string): void {
  assert.ok(value !== null && typeof value === 'object', `${what} is an object`);
  assert.deepEqual(Object.keys(value as Json).sort(), [...keys].sort(), `${what} has exactly ${keys.join(', ')}`);
}

function assertTeiError(result: { status: number; body: unknown }, status: number, type: string, pattern: RegExp): void {
  assert.equal(result.status, status, JSON.stringify(result.body));
  assertKeys(result.body, ['error', 'error_type'], 'TEI error');
  assert.equal((result.body as Json)['error_type'], type);
  assert.match((result.body as Json)['error'] as string, pattern);
}

// Cohere's {message}; /v1/rerank, which Jina's clients call too, adds Jina's {detail} with the same text.
function assertCohereError(result: { url: string; status: number; body: unknown }, status: number, pattern: RegExp): void {
  assert.equal(result.status, status, JSON.stringify(result.body));
  const jina = result.url.startsWith('/v1/');
  assertKeys(result.body, jina ? ['message', 'detail'] : ['message'], 'Cohere error');
  assert.match((result.body as Json)['message'] as string, pattern);
  if (jina) assert.equal((result.body as Json)['detail'], (result.body as Json)['message']);
}

describe('server with the demo model', () => {
  let server: RerankServer;
  let model: CrossEncoder;

  before(async () => {
    server = await createServer({ modelId: 'demo', maxClientBatchSize: 5, loadOptions: { threads: 1 } });
    await server.loaded;
    model = await CrossEncoder.load('demo', { threads: 1 });
  });
  after(async () => {
    await server.close();
    await model.dispose();
  });

  test('POST /rerank answers TEI [{index, score}] best first, sigmoid scores equal to the library', async () => {
    const result = await post(server, '/rerank', { query: QUERY, texts: DOCS });
    assert.equal(result.status, 200);
    const ranks = result.body as Json[];
    const expected = await model.rank(QUERY, DOCS, { activation: 'sigmoid' });
    assert.equal(ranks.length, DOCS.length);
    for (const [i, rank] of ranks.entries()) {
      assertKeys(rank, ['index', 'score'], 'rank');
      assert.equal(rank['index'], expected[i]?.corpusId);
      assert.equal(rank['score'], expected[i]?.score);
    }
  });

  test('POST /rerank with raw_scores gives logits, return_text the texts', async () => {
    const result = await post(server, '/rerank', { query: QUERY, texts: DOCS, raw_scores: true, return_text: true, truncate: true });
    assert.equal(result.status, 200);
    const expected = await model.rank(QUERY, DOCS, { activation: 'identity' });
    for (const [i, rank] of (result.body as Json[]).entries()) {
      assertKeys(rank, ['index', 'score', 'text'], 'rank');
      assert.equal(rank['score'], expected[i]?.score);
      assert.equal(rank['text'], DOCS[rank['index'] as number]);
    }
  });

  test('POST /rerank errors: TEI bodies and statuses', async () => {
    assertTeiError(await post(server, '/rerank', { query: QUERY, texts: [] }), 400, 'Empty', /`texts` cannot be empty/);
    assertTeiError(await post(server, '/rerank', { query: QUERY, texts: Array(6).fill('x') }), 413, 'Validation', /batch size 6 > maximum allowed batch size 5/);
    assertTeiError(await post(server, '/rerank', { query: QUERY, texts: 'one text' }), 422, 'Validation', /body\/texts must be array/);
    assertTeiError(await post(server, '/rerank', { query: QUERY, texts: ['a', 7] }), 422, 'Validation', /body\/texts\/1 must be string/);
    assertTeiError(await post(server, '/rerank', { texts: DOCS }), 422, 'Validation', /must have required property 'query'/);
    assertTeiError(await post(server, '/rerank', { query: QUERY, texts: DOCS, raw_scores: 'yes' }), 422, 'Validation', /body\/raw_scores must be boolean/);
    assertTeiError(await post(server, '/rerank', { query: QUERY, texts: DOCS, truncation_direction: 'Left' }), 422, 'Validation', /truncation_direction 'left' is not supported/);
    const malformed = await server.app.inject({ method: 'POST', url: '/rerank', payload: '{"query": ', headers: { 'content-type': 'application/json' } });
    assertTeiError({ status: malformed.statusCode, body: malformed.json() }, 400, 'Validation', /invalid request/);
  });

  test('TEI\'s model-type routes: POST / and /invocations rerank for a one-label model; GET / and /ping are health', async () => {
    const expected = (await post(server, '/rerank', { query: QUERY, texts: DOCS, raw_scores: true })).body;
    for (const url of ['/', '/invocations']) {
      const result = await post(server, url, { query: QUERY, texts: DOCS, raw_scores: true });
      assert.equal(result.status, 200, url);
      assert.deepEqual(result.body, expected, url);
      assertTeiError(await post(server, url, { query: QUERY, texts: 'one text' }), 422, 'Validation', /body\/texts must be array/);
      assertTeiError(await post(server, url, { inputs: [QUERY, DOCS[0]] }), 422, 'Validation', /must have required property 'query'/);
      assertTeiError(await post(server, url, { query: QUERY, texts: [] }), 400, 'Empty', /`texts` cannot be empty/);
    }
    for (const url of ['/', '/ping']) {
      const health = await server.app.inject({ url });
      assert.equal(health.statusCode, 200, url);
      assert.deepEqual(health.json(), { status: 'ok' });
    }
  });

  test('POST /predict: one pair -> [{score, label}], a batch -> [[...]], single texts rejected', async () => {
    const single = await post(server, '/predict', { inputs: [QUERY, DOCS[0]] });
    assert.equal(single.status, 200);
    const expected = await model.predict([[QUERY, DOCS[0] as string], [QUERY, DOCS[1] as string]], { activation: 'sigmoid' });
    assert.deepEqual(single.body, [{ score: expected[0], label: 'LABEL_0' }]);
    const batch = await post(server, '/predict', { inputs: [[QUERY, DOCS[0]], [QUERY, DOCS[1]]] });
    assert.deepEqual(batch.body, [[{ score: expected[0], label: 'LABEL_0' }], [{ score: expected[1], label: 'LABEL_0' }]]);
    const raw = await post(server, '/predict', { inputs: [QUERY, DOCS[0]], raw_scores: true });
    const logits = await model.predict([[QUERY, DOCS[0] as string]], { activation: 'identity' });
    assert.deepEqual(raw.body, [{ score: logits[0], label: 'LABEL_0' }]);

    assertTeiError(await post(server, '/predict', { inputs: 'one text' }), 422, 'Validation', /single text.*\[text, text_pair\]/);
    assertTeiError(await post(server, '/predict', { inputs: ['a', 'b', 'c'] }), 422, 'Validation', /inputs has 3 texts/);
    assertTeiError(await post(server, '/predict', { inputs: [['a', 'b'], ['c']] }), 422, 'Validation', /inputs\[1\] is 1 texts/);
    assertTeiError(await post(server, '/predict', { inputs: [] }), 400, 'Empty', /`inputs` cannot be empty/);
    assertTeiError(await post(server, '/predict', { inputs: 5 }), 422, 'Validation', /body\/inputs/);
    assertTeiError(await post(server, '/predict', { inputs: Array(6).fill(['a', 'b']) }), 413, 'Validation', /batch size 6/);
  });

  test('POST /v1/rerank: Cohere v1 / Jina shape, documents as strings or {text}, top_n, return_documents', async () => {
    const expected = await model.rank(QUERY, DOCS, { activation: 'sigmoid' });
    const result = await post(server, '/v1/rerank', { model: 'anything', query: QUERY, documents: [DOCS[0], { text: DOCS[1] }, DOCS[2]], top_n: 2, return_documents: true });
    assert.equal(result.status, 200);
    const body = result.body as Json;
    assertKeys(body, ['id', 'model', 'results', 'meta'], 'v1 response');
    assert.match(body['id'] as string, /^[0-9a-f-]{36}$/);
    assert.equal(body['model'], 'demo');
    assert.deepEqual(body['meta'], { api_version: { version: '1' }, billed_units: { search_units: 1 } });
    const results = body['results'] as Json[];
    assert.equal(results.length, 2);
    for (const [i, r] of results.entries()) {
      assertKeys(r, ['index', 'relevance_score', 'document'], 'v1 result');
      assert.equal(r['index'], expected[i]?.corpusId);
      assert.equal(r['relevance_score'], expected[i]?.score);
      assert.deepEqual(r['document'], { text: DOCS[r['index'] as number] });
    }
    const plain = await post(server, '/v1/rerank', { query: QUERY, documents: DOCS });
    for (const r of (plain.body as Json)['results'] as Json[]) assertKeys(r, ['index', 'relevance_score'], 'v1 result without documents');
    // What Python clients send for None (Jina's clients: "top_n": null): the same as leaving the field out.
    const nulls = await post(server, '/v1/rerank', { model: null, query: QUERY, documents: DOCS, top_n: null, return_documents: null });
    assert.equal(nulls.status, 200, JSON.stringify(nulls.body));
    assert.deepEqual((nulls.body as Json)['results'], (plain.body as Json)['results']);
  });

  test('POST /v1/rerank errors are {message} and Jina\'s {detail}', async () => {
    assertCohereError(await post(server, '/v1/rerank', { query: QUERY }), 422, /must have required property 'documents'/);
    assertCohereError(await post(server, '/v1/rerank', { query: QUERY, documents: [] }), 400, /documents must not be empty/);
    assertCohereError(await post(server, '/v1/rerank', { query: QUERY, documents: [{ title: 'x' }] }), 422, /body\/documents\/0/);
    assertCohereError(await post(server, '/v1/rerank', { query: QUERY, documents: DOCS, top_n: 0 }), 422, /body\/top_n must be >= 1/);
    assertCohereError(await post(server, '/v1/rerank', { query: QUERY, documents: Array(6).fill('x') }), 400, /6 documents is more than the maximum of 5/);
  });

  test('POST /v2/rerank: Cohere v2 shape; model is required', async () => {
    const expected = await model.rank(QUERY, DOCS, { activation: 'sigmoid' });
    const result = await post(server, '/v2/rerank', { model: 'rerank-v3.5', query: QUERY, documents: DOCS, top_n: 5, max_tokens_per_doc: 512, priority: 3 });
    assert.equal(result.status, 200);
    const body = result.body as Json;
    assertKeys(body, ['id', 'results', 'meta'], 'v2 response');
    assert.deepEqual(body['meta'], { api_version: { version: '2' }, billed_units: { search_units: 1 } });
    assert.deepEqual(body['results'], expected.map((r) => ({ index: r.corpusId, relevance_score: r.score })));
    const nulls = await post(server, '/v2/rerank', { model: 'm', query: QUERY, documents: DOCS, top_n: null, max_tokens_per_doc: null, priority: null });
    assert.equal(nulls.status, 200, JSON.stringify(nulls.body));
    assert.deepEqual((nulls.body as Json)['results'], body['results']);
    assertCohereError(await post(server, '/v2/rerank', { query: QUERY, documents: DOCS }), 422, /must have required property 'model'/);
    assertCohereError(await post(server, '/v2/rerank', { model: null, query: QUERY, documents: DOCS }), 422, /body\/model must be string/);
    assertCohereError(await post(server, '/v2/rerank', { model: 'm', query: QUERY, documents: [{ text: 'x' }] }), 422, /body\/documents\/0 must be string/);
    assertCohereError(await post(server, '/v2/rerank', { model: 'm', query: QUERY, documents: DOCS, priority: -1 }), 422, /body\/priority must be >= 0/);
    assertCohereError(await post(server, '/v2/rerank', { model: 'm', query: QUERY, documents: DOCS, priority: 1e300 }), 422, /body\/priority must be <= 1073741824/);
    // A top_n above the documents' count (however large) returns them all.
    const huge = await post(server, '/v2/rerank', { model: 'm', query: QUERY, documents: DOCS, top_n: 1e20 });
    assert.deepEqual((huge.body as Json)['results'], body['results']);
  });

  test('GET /health, /ready, /info', async () => {
    const health = await server.app.inject({ url: '/health' });
    assert.equal(health.statusCode, 200);
    assert.deepEqual(health.json(), { status: 'ok' });
    const ready = await server.app.inject({ url: '/ready' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready' });
    const info = (await server.app.inject({ url: '/info' })).json() as Json;
    assert.equal(info['model_id'], 'demo');
    assert.deepEqual(info['model_type'], { reranker: { id2label: { 0: 'LABEL_0' }, label2id: { LABEL_0: 0 } } });
    assert.equal(info['max_input_length'], model.maxLength);
    assert.equal(info['max_client_batch_size'], 5);
    // The scheduler's limits in effect: the library's defaults when the server was given none.
    assert.equal(info['max_batch_tokens'], 2048);
    assert.equal(info['max_queued_pairs'], 20000);
    assert.match(info['version'] as string, /^\d+\.\d+\.\d+/);
  });

  test('GET /metrics: Prometheus text with requests by route and status, and the event-loop delay', async () => {
    await post(server, '/rerank', { query: QUERY, texts: DOCS });
    await post(server, '/rerank', { query: QUERY, texts: [] });
    const metrics = await server.app.inject({ url: '/metrics' });
    assert.equal(metrics.statusCode, 200);
    assert.match(metrics.headers['content-type'] as string, /^text\/plain/);
    assert.match(metrics.body, /http_requests_total\{route="\/rerank",method="POST",status="200"\} \d+/);
    assert.match(metrics.body, /http_requests_total\{route="\/rerank",method="POST",status="400"\} \d+/);
    assert.match(metrics.body, /http_request_duration_seconds_bucket\{le="0\.001",route="\/rerank"\}/);
    assert.match(metrics.body, /nodejs_eventloop_lag_p99_seconds/);
    assert.match(metrics.body, /# TYPE cross_encoder_queue_duration_seconds histogram/);
  });

  test('GET /openapi.json lists the routes; /docs is served from the package (no CDN)', async () => {
    const spec = (await server.app.inject({ url: '/openapi.json' })).json() as { openapi: string; paths: Json };
    assert.match(spec.openapi, /^3\./);
    for (const path of ['/rerank', '/predict', '/v1/rerank', '/v2/rerank', '/health', '/ready', '/info']) assert.ok(path in spec.paths, path);
    const docs = await server.app.inject({ url: '/docs/' });
    assert.equal(docs.statusCode, 200);
    assert.doesNotMatch(docs.body, /https?:\/\/(cdn|unpkg)/);
    const bundle = await server.app.inject({ url: '/docs/static/swagger-ui-bundle.js' });
    assert.equal(bundle.statusCode, 200);
  });
});

describe('server limits and models', () => {
  test('a body over the payload limit is a 413 in each API\'s format', async () => {
    const server = await createServer({ model: stubModel(), payloadLimit: 1000 });
    try {
      const big = { query: 'q', texts: [Array(2000).fill('a').join('')] };
      assertTeiError(await post(server, '/rerank', big), 413, 'Validation', /request body too large/);
      assertCohereError(await post(server, '/v1/rerank', { query: 'q', documents: big.texts }), 413, /request body too large/);
    } finally {
      await server.close();
    }
  });

  test('a three-label model: /predict lists every label best first (softmax); /rerank is a 424 Backend error', async () => {
    const server = await createServer({ modelId: fixtureModelDir('tiny-3label-f16') });
    await server.loaded;
    try {
      const result = await post(server, '/predict', { inputs: ['a query', 'a passage'] });
      assert.equal(result.status, 200);
      const predictions = result.body as { score: number; label: string }[];
      assert.equal(predictions.length, 3);
      assert.ok(predictions[0]!.score >= predictions[1]!.score && predictions[1]!.score >= predictions[2]!.score);
      assert.ok(Math.abs(predictions.reduce((sum, p) => sum + p.score, 0) - 1) < 1e-5);
      assertTeiError(await post(server, '/rerank', { query: 'q', texts: ['a'] }), 424, 'Backend', /num_labels=1/);
      assertCohereError(await post(server, '/v1/rerank', { query: 'q', documents: ['a'] }), 400, /num_labels=1/);
      // TEI's model-type route is /predict for a classifier.
      const root = await post(server, '/', { inputs: ['a query', 'a passage'] });
      assert.deepEqual(root.body, result.body);
      assertTeiError(await post(server, '/invocations', { query: 'q', texts: ['a'] }), 422, 'Validation', /must have required property 'inputs'/);
    } finally {
      await server.close();
    }
  });

  test('a model that fails to load: /ready 503 {status: failed}, routes 503 Unhealthy, loaded rejects', async () => {
    const server = await createServer({ modelId: '/nonexistent/model-dir' });
    await assert.rejects(server.loaded);
    try {
      const ready = await server.app.inject({ url: '/ready' });
      assert.equal(ready.statusCode, 503);
      assert.equal(ready.headers['retry-after'], '5');
      assert.equal((ready.json() as Json)['status'], 'failed');
      assertTeiError(await post(server, '/rerank', { query: 'q', texts: ['a'] }), 503, 'Unhealthy', /failed to load/);
    } finally {
      await server.close();
    }
  });

  test('createServer checks its options', async () => {
    await assert.rejects(createServer({}), { code: 'ERR_INVALID_ARG_TYPE', message: /exactly one of options.model/ });
    await assert.rejects(createServer({ modelId: 'demo', maxClientBatchSize: 0 }), { code: 'ERR_INVALID_ARG_TYPE', message: /options.maxClientBatchSize/ });
    await assert.rejects(createServer({ modelId: 'demo', port: 1 } as never), { code: 'ERR_UNKNOWN_OPTION', message: /options.port/ });
    await assert.rejects(createServer({ model: stubModel(), maxQueuedPairs: 5 }), { code: 'ERR_INVALID_ARG_TYPE', message: /pass them to CrossEncoder.load/ });
  });
});

describe('API key', () => {
  let server: RerankServer;
  before(async () => {
    server = await createServer({ model: stubModel(), apiKey: 'sekret' });
    await server.loaded;
  });
  after(() => server.close());

  test('scoring routes, /info and the docs need Authorization: Bearer <key>', async () => {
    assertTeiError(await post(server, '/rerank', { query: 'q', texts: ['a'] }), 401, 'Unauthorized', /missing API key/);
    assertTeiError(await post(server, '/predict', { inputs: ['q', 'a'] }, { authorization: 'Bearer wrong' }), 401, 'Unauthorized', /invalid API key/);
    for (const url of ['/', '/invocations']) assertTeiError(await post(server, url, { query: 'q', texts: ['a'] }), 401, 'Unauthorized', /missing API key/);
    assertCohereError(await post(server, '/v1/rerank', { query: 'q', documents: ['a'] }), 401, /missing API key/);
    assertCohereError(await post(server, '/v2/rerank', { model: 'm', query: 'q', documents: ['a'] }, { authorization: 'sekret' }), 401, /invalid API key/);
    for (const url of ['/info', '/openapi.json', '/docs/']) assert.equal((await server.app.inject({ url })).statusCode, 401, url);
    const ok = await post(server, '/rerank', { query: 'q', texts: ['a', 'b'] }, { authorization: 'Bearer sekret' });
    assert.equal(ok.status, 200);
    assert.equal((await post(server, '/v2/rerank', { model: 'm', query: 'q', documents: ['a'] }, { authorization: 'bearer sekret' })).status, 200);
  });

  test('/health, /ready, /metrics and TEI\'s GET / and /ping stay open', async () => {
    for (const url of ['/health', '/ready', '/metrics', '/', '/ping']) assert.equal((await server.app.inject({ url })).statusCode, 200, url);
  });
});

describe('library errors and scheduling options', () => {
  test('ERR_OVERLOADED -> 429 with Retry-After (TEI Overloaded, Cohere {message})', async () => {
    const model = stubModel({ behave: async () => { throw libraryError('ERR_OVERLOADED', 'queue full: 20000 pairs queued'); } });
    const server = await createServer({ model });
    await server.loaded;
    try {
      const tei = await post(server, '/rerank', { query: 'q', texts: ['a'] });
      assertTeiError(tei, 429, 'Overloaded', /queue full/);
      assert.equal(tei.headers['retry-after'], '1');
      const predict = await post(server, '/predict', { inputs: ['q', 'a'] });
      assertTeiError(predict, 429, 'Overloaded', /queue full/);
      const cohere = await post(server, '/v2/rerank', { model: 'm', query: 'q', documents: ['a'] });
      assertCohereError(cohere, 429, /queue full/);
      assert.equal(cohere.headers['retry-after'], '1');
    } finally {
      await server.close();
    }
  });

  test('ERR_TIMEOUT -> 503 with Retry-After; any other failure -> TEI 424 Backend / Cohere 500', async () => {
    let code = 'ERR_TIMEOUT';
    const model = stubModel({ behave: async () => { throw libraryError(code, 'boom'); } });
    const server = await createServer({ model });
    await server.loaded;
    try {
      const timedOut = await post(server, '/rerank', { query: 'q', texts: ['a'] });
      assertTeiError(timedOut, 503, 'Unhealthy', /timed out/);
      assert.equal(timedOut.headers['retry-after'], '5');
      assertCohereError(await post(server, '/v1/rerank', { query: 'q', documents: ['a'] }), 503, /timed out/);
      code = 'ERR_INTERNAL';
      assertTeiError(await post(server, '/rerank', { query: 'q', texts: ['a'] }), 424, 'Backend', /inference failed: boom/);
      assertCohereError(await post(server, '/v1/rerank', { query: 'q', documents: ['a'] }), 500, /inference failed: boom/);
    } finally {
      await server.close();
    }
  });

  test('priority and timeout reach a library with the scheduler, and are left out for one without', async () => {
    for (const stats of [true, false]) {
      const model = stubModel({ stats });
      const server = await createServer({ model, requestTimeout: 2500 });
      await server.loaded;
      try {
        await post(server, '/v2/rerank', { model: 'm', query: 'q', documents: ['a', 'b'], priority: 7, top_n: 1 });
        await post(server, '/predict', { inputs: ['q', 'a'] });
        const [rank, predict] = model.calls;
        assert.equal(rank?.options['topK'], 1);
        assert.equal(rank?.options['activation'], 'sigmoid');
        assert.ok(rank?.options['signal'] instanceof AbortSignal);
        assert.equal(predict?.options['activation'], 'sigmoid');
        assert.equal(rank?.options['priority'], stats ? 7 : undefined, `stats: ${stats}`);
        assert.equal(rank?.options['timeout'], stats ? 2500 : undefined);
        assert.equal(predict?.options['timeout'], stats ? 2500 : undefined);
      } finally {
        await server.close();
      }
    }
  });

  test('while the model loads (warm-up held): /ready 503 with Retry-After, scoring routes 503 Unhealthy', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const model = stubModel();
    const warm = model.predict.bind(model);
    model.predict = async (pairs, options) => {
      if (options === undefined) await held;
      return warm(pairs, options);
    };
    const server = await createServer({ model });
    try {
      const loading = await server.app.inject({ url: '/ready' });
      assert.equal(loading.statusCode, 503);
      assert.equal(loading.headers['retry-after'], '5');
      assert.deepEqual(loading.json(), { status: 'loading' });
      assertTeiError(await post(server, '/rerank', { query: 'q', texts: ['a'] }), 503, 'Unhealthy', /still loading/);
      release();
      await server.loaded;
      assert.equal((await server.app.inject({ url: '/ready' })).statusCode, 200);
    } finally {
      await server.close();
    }
  });

  test('/metrics: the scheduler\'s stats when the library has them, per-call durations from the call channel', async () => {
    const withStats = stubModel({ stats: true });
    withStats.stats = () => ({ ...EMPTY_STATS, queuedPairs: 42, batches: 7, tokens: 900 });
    const server = await createServer({ model: withStats });
    await server.loaded;
    const without = await createServer({ model: stubModel() });
    await without.loaded;
    try {
      diagnostics.channel('cross-encoder:call').publish({ model: 'm', pairs: 20, queueMs: 30, computeMs: 70, truncatedPairs: 2, priority: 0, outcome: 'ok' });
      const text = (await server.app.inject({ url: '/metrics' })).body;
      assert.match(text, /^cross_encoder_queued_pairs 42$/m);
      assert.match(text, /^cross_encoder_batches_total 7$/m);
      assert.match(text, /^cross_encoder_tokens_total 900$/m);
      assert.match(text, /^cross_encoder_queue_duration_seconds_bucket\{le="0.05"\} 1$/m);
      assert.match(text, /^cross_encoder_compute_duration_seconds_bucket\{le="0.05"\} 0$/m);
      assert.match(text, /^cross_encoder_call_pairs_bucket\{le="25"\} 1$/m);
      assert.match(text, /^cross_encoder_calls_total\{outcome="ok"\} 1$/m);
      assert.match(text, /^cross_encoder_truncated_pairs_total 2$/m);
      // No queue to report without the scheduler: absent, not a false 0.
      assert.doesNotMatch((await without.app.inject({ url: '/metrics' })).body, /cross_encoder_queued_pairs/);
    } finally {
      await server.close();
      await without.close();
    }
  });
});

describe('the real library\'s queue limits', () => {
  test('a full queue answers 429 with Retry-After, the rest 200; the queue drains to 0', async () => {
    const server = await createServer({ modelId: 'demo', loadOptions: { threads: 1 }, maxQueuedPairs: 10 });
    await server.loaded;
    try {
      // Long texts, so the first admitted request is still queued or running when the others arrive, however fast
      // the machine: 8 + 8 pairs do not fit 10.
      const texts = Array.from({ length: 8 }, (_, i) => `${DOCS[i % DOCS.length]} ${'detail '.repeat(150)} ${i}`);
      const results = await Promise.all(Array.from({ length: 6 }, () => post(server, '/rerank', { query: QUERY, texts })));
      const statuses = results.map((r) => r.status);
      assert.ok(statuses.every((s) => s === 200 || s === 429), String(statuses));
      assert.ok(statuses.includes(200) && statuses.includes(429), String(statuses));
      for (const r of results.filter((x) => x.status === 429)) {
        assert.equal(r.headers['retry-after'], '1');
        assert.equal((r.body as Json)['error_type'], 'Overloaded');
      }
      const metrics = (await server.app.inject({ url: '/metrics' })).body;
      assert.match(metrics, /^cross_encoder_queued_pairs 0$/m);
      assert.match(metrics, /^cross_encoder_rejected_calls_total [1-9]\d*$/m);
      assert.match(metrics, /^cross_encoder_calls_total\{outcome="overloaded"\} [1-9]\d*$/m);
    } finally {
      await server.close();
    }
  });

  test('a request past --request-timeout answers 503 with Retry-After', async () => {
    const server = await createServer({ modelId: 'demo', loadOptions: { threads: 1 }, requestTimeout: 1 });
    await server.loaded;
    try {
      const texts = Array.from({ length: 400 }, (_, i) => `${DOCS[i % DOCS.length]} ${'detail '.repeat(40)} ${i}`);
      const result = await post(server, '/rerank', { query: QUERY, texts });
      assertTeiError(result, 503, 'Unhealthy', /timed out/);
      assert.equal(result.headers['retry-after'], '5');
    } finally {
      await server.close();
    }
  });
});
