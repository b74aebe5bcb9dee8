// Cohere's rerank API (POST /v1/rerank, also Jina's request and response shape, and POST /v2/rerank), with
// Cohere's field names and its error body {message}; /v1 adds Jina's {detail} to it.
// Optional fields may be null, meaning absent: Python clients send None as null (Jina's clients send
// `"top_n": null`), and Cohere's and Jina's own servers accept it.
import { randomUUID } from 'node:crypto';

import type { FastifyInstance } from 'fastify';

import { MAX_PRIORITY } from '../../cross-encoder';
import { ApiError, COHERE_ERRORS, COHERE_V1_ERRORS } from '../api-error';
import { installErrorHandler } from '../error-handler';
import { rankDocuments } from '../model';
import { clientGoneSignal } from '../request-signal';
import type { ServerState } from '../state';

const messageError = { type: 'object', properties: { message: { type: 'string' } } } as const;
const messageDetailError = { type: 'object', properties: { message: { type: 'string' }, detail: { type: 'string' } } } as const;

const resultItem = {
  type: 'object',
  required: ['index', 'relevance_score'],
  properties: {
    index: { type: 'integer' },
    relevance_score: { type: 'number' },
    document: { type: 'object', properties: { text: { type: 'string' } } },
  },
} as const;

const meta = {
  type: 'object',
  properties: {
    api_version: { type: 'object', properties: { version: { type: 'string' } } },
    billed_units: { type: 'object', properties: { search_units: { type: 'integer' } } },
  },
} as const;

const rerankResponse = {
  type: 'object',
  required: ['id', 'results', 'meta'],
  properties: { id: { type: 'string' }, model: { type: 'string' }, results: { type: 'array', items: resultItem }, meta },
} as const;

const v1Schema = {
  summary: 'Rerank documents (Cohere v1, Jina)',
  tags: ['Cohere', 'Jina'],
  body: {
    type: 'object',
    required: ['query', 'documents'],
    properties: {
      model: { type: ['string', 'null'], description: 'accepted and ignored: the server serves one model' },
      query: { type: 'string' },
      documents: {
        type: 'array',
        items: { anyOf: [{ type: 'string' }, { type: 'object', required: ['text'], properties: { text: { type: 'string' } } }] },
      },
      top_n: { type: ['integer', 'null'], minimum: 1 },
      return_documents: { type: ['boolean', 'null'], default: false },
    },
  },
  response: { 200: rerankResponse, '4xx': messageDetailError, '5xx': messageDetailError },
} as const;

const v2Schema = {
  summary: 'Rerank documents (Cohere v2)',
  tags: ['Cohere'],
  body: {
    type: 'object',
    required: ['model', 'query', 'documents'],
    properties: {
      model: { type: 'string', description: 'required by Cohere; the server serves one model whatever the name' },
      query: { type: 'string' },
      documents: { type: 'array', items: { type: 'string' } },
      top_n: { type: ['integer', 'null'], minimum: 1 },
      max_tokens_per_doc: { type: ['integer', 'null'], minimum: 1, description: 'accepted; pairs are truncated to the model\'s max length' },
      priority: { type: ['integer', 'null'], minimum: 0, maximum: MAX_PRIORITY, description: 'lower runs earlier (default 0)' },
    },
  },
  response: { 200: rerankResponse, '4xx': messageError, '5xx': messageError },
} as const;

interface V1Body {
  query: string;
  documents: (string | { text: string })[];
  top_n?: number | null;
  return_documents: boolean | null;
}

interface V2Body {
  query: string;
  documents: string[];
  top_n?: number | null;
  priority?: number | null;
}

function checkDocuments(count: number, max: number): void {
  if (count === 0) throw new ApiError(400, 'Empty', 'invalid request: documents must not be empty');
  if (count > max) {
    throw new ApiError(400, 'Validation', `invalid request: ${count} documents is more than the maximum of ${max} per request (documents)`);
  }
}

const metaFor = (version: string) => ({ api_version: { version }, billed_units: { search_units: 1 } });

/** POST /v1/rerank: Cohere v1 and Jina. Its scope's API key check answers in COHERE_V1_ERRORS too. */
export function cohereV1Route(scope: FastifyInstance, state: ServerState): void {
  installErrorHandler(scope, COHERE_V1_ERRORS);

  scope.post<{ Body: V1Body }>('/v1/rerank', { schema: v1Schema }, async (request, reply) => {
    const { query, documents, top_n: topN, return_documents: returnDocuments } = request.body;
    checkDocuments(documents.length, state.limits.maxClientBatchSize);
    const texts = documents.map((d) => (typeof d === 'string' ? d : d.text));
    const model = state.requireModel();
    const ranked = await rankDocuments(model, query, texts, topN ?? undefined, {
      signal: clientGoneSignal(reply), normalized: true, timeout: state.limits.requestTimeout,
    });
    return {
      id: randomUUID(),
      model: state.modelId,
      results: ranked.map((r) => (returnDocuments
        ? { index: r.corpusId, relevance_score: r.score, document: { text: texts[r.corpusId] } }
        : { index: r.corpusId, relevance_score: r.score })),
      meta: metaFor('1'),
    };
  });
}

/** POST /v2/rerank: Cohere v2. */
export function cohereV2Route(scope: FastifyInstance, state: ServerState): void {
  installErrorHandler(scope, COHERE_ERRORS);

  scope.post<{ Body: V2Body }>('/v2/rerank', { schema: v2Schema }, async (request, reply) => {
    const { query, documents, top_n: topN, priority } = request.body;
    checkDocuments(documents.length, state.limits.maxClientBatchSize);
    const model = state.requireModel();
    const ranked = await rankDocuments(model, query, documents, topN ?? undefined, {
      signal: clientGoneSignal(reply), normalized: true, priority: priority ?? undefined, timeout: state.limits.requestTimeout,
    });
    return {
      id: randomUUID(),
      results: ranked.map((r) => ({ index: r.corpusId, relevance_score: r.score })),
      meta: metaFor('2'),
    };
  });
}
