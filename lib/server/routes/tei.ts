// Text Embeddings Inference's routes: POST /rerank and POST /predict, with TEI's field names and error bodies
// (huggingface/text-embeddings-inference router/src/http/types.rs and server.rs).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { ApiError, TEI_ERRORS } from '../api-error';
import { installErrorHandler } from '../error-handler';
import { rankDocuments, scorePairs } from '../model';
import { clientGoneSignal } from '../request-signal';
import type { ServerState } from '../state';

const teiError = {
  type: 'object',
  properties: { error: { type: 'string' }, error_type: { type: 'string' } },
} as const;

const rerankSchema = {
  summary: 'Rerank texts against a query (TEI)',
  tags: ['TEI'],
  body: {
    type: 'object',
    required: ['query', 'texts'],
    properties: {
      query: { type: 'string' },
      texts: { type: 'array', items: { type: 'string' } },
      raw_scores: { type: 'boolean', default: false },
      return_text: { type: 'boolean', default: false },
      truncate: { type: ['boolean', 'null'], description: 'accepted; inputs are always truncated to the model\'s max length' },
      truncation_direction: { type: 'string', enum: ['right', 'Right', 'left', 'Left'] },
    },
  },
  response: {
    200: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'score'],
        properties: { index: { type: 'integer' }, text: { type: 'string' }, score: { type: 'number' } },
      },
    },
    '4xx': teiError,
    '5xx': teiError,
  },
} as const;

const prediction = {
  type: 'object',
  required: ['score', 'label'],
  properties: { score: { type: 'number' }, label: { type: 'string' } },
} as const;

const predictSchema = {
  summary: 'Score pairs of texts (TEI): one pair [text, text_pair] or a batch of pairs',
  tags: ['TEI'],
  body: {
    type: 'object',
    required: ['inputs'],
    properties: {
      inputs: {
        anyOf: [
          { type: 'string' },
          { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } },
        ],
      },
      raw_scores: { type: 'boolean', default: false },
      truncate: { type: ['boolean', 'null'] },
      truncation_direction: { type: 'string', enum: ['right', 'Right', 'left', 'Left'] },
    },
  },
  response: {
    200: { anyOf: [{ type: 'array', items: prediction }, { type: 'array', items: { type: 'array', items: prediction } }] },
    '4xx': teiError,
    '5xx': teiError,
  },
} as const;

interface RerankBody {
  query: string;
  texts: string[];
  raw_scores: boolean;
  return_text: boolean;
  truncation_direction?: string;
}

interface PredictBody {
  inputs: string | (string | string[])[];
  raw_scores: boolean;
  truncation_direction?: string;
}

function checkTruncationDirection(direction: string | undefined): void {
  // The core truncates the passage's end (HF's default, longest-first on the pair); nothing else is built.
  if (direction !== undefined && direction.toLowerCase() === 'left') {
    throw new ApiError(422, 'Validation', 'truncation_direction \'left\' is not supported: inputs are truncated at the right');
  }
}

function checkBatchSize(count: number, max: number, field: string): void {
  if (count === 0) throw new ApiError(400, 'Empty', `\`${field}\` cannot be empty`);
  // TEI's wording and status (Validation = 413).
  if (count > max) throw new ApiError(413, 'Validation', `batch size ${count} > maximum allowed batch size ${max} (${field})`);
}

const PAIR_HINT = 'a cross-encoder scores pairs: send inputs as [text, text_pair] or as a batch [[text, text_pair], ...]';

/** TEI's `inputs` as pairs; `single` when one pair was sent (TEI then answers one list, not a list of lists). */
function readPairs(inputs: PredictBody['inputs']): { pairs: [string, string][]; single: boolean } {
  if (typeof inputs === 'string') throw new ApiError(422, 'Validation', `inputs is a single text; ${PAIR_HINT}`);
  if (inputs.length === 0) throw new ApiError(400, 'Empty', '`inputs` cannot be empty');
  if (inputs.every((item): item is string => typeof item === 'string')) {
    if (inputs.length !== 2) throw new ApiError(422, 'Validation', `inputs has ${inputs.length} texts; ${PAIR_HINT}`);
    return { pairs: [[inputs[0] as string, inputs[1] as string]], single: true };
  }
  const pairs = inputs.map((item, i): [string, string] => {
    if (!Array.isArray(item) || item.length !== 2) {
      const what = Array.isArray(item) ? `${item.length} texts` : 'a single text in a batch';
      throw new ApiError(422, 'Validation', `inputs[${i}] is ${what}; ${PAIR_HINT}`);
    }
    return [item[0] as string, item[1] as string];
  });
  return { pairs, single: false };
}

/** The request body checked against `schema` (for the routes whose body schema depends on the model). */
function validatedBody<B>(request: FastifyRequest, schema: object): B {
  const validate = request.compileValidationSchema(schema);  // compiled once per schema, cached by fastify
  if (!validate(request.body)) {
    const errors = validate.errors ?? [];
    // fastify's own wording for a route schema's failure ("body/texts must be array"), which the handler maps.
    const message = errors.map((e) => `body${e.instancePath} ${e.message ?? 'is invalid'}`).join(', ');
    throw Object.assign(new Error(message), { validation: errors, statusCode: 400 });
  }
  return request.body as B;
}

export function teiRoutes(scope: FastifyInstance, state: ServerState): void {
  installErrorHandler(scope, TEI_ERRORS);

  const rerank = async (body: RerankBody, reply: FastifyReply) => {
    const { query, texts, raw_scores: rawScores, return_text: returnText, truncation_direction: direction } = body;
    checkBatchSize(texts.length, state.limits.maxClientBatchSize, 'texts');
    checkTruncationDirection(direction);
    const model = state.requireModel();
    const ranked = await rankDocuments(model, query, texts, undefined, {
      signal: clientGoneSignal(reply), normalized: !rawScores, timeout: state.limits.requestTimeout,
    });
    return ranked.map((r) => (returnText ? { index: r.corpusId, text: texts[r.corpusId], score: r.score } : { index: r.corpusId, score: r.score }));
  };

  const predict = async (body: PredictBody, reply: FastifyReply) => {
    const { inputs, raw_scores: rawScores, truncation_direction: direction } = body;
    const { pairs, single } = readPairs(inputs);
    checkBatchSize(pairs.length, state.limits.maxClientBatchSize, 'inputs');
    checkTruncationDirection(direction);
    const model = state.requireModel();
    const scores = await scorePairs(model, pairs, {
      signal: clientGoneSignal(reply), normalized: !rawScores, timeout: state.limits.requestTimeout,
    });
    const labels = model.labels;
    const predictions = pairs.map((_, row) =>
      // TEI lists every label of a pair, best first.
      labels.map((label, col) => ({ score: scores[row * labels.length + col] as number, label })).sort((a, b) => b.score - a.score),
    );
    return single ? predictions[0] : predictions;
  };

  scope.post<{ Body: RerankBody }>('/rerank', { schema: rerankSchema }, (request, reply) => rerank(request.body, reply));
  scope.post<{ Body: PredictBody }>('/predict', { schema: predictSchema }, (request, reply) => predict(request.body, reply));

  // TEI's model-type routes: POST / and /invocations (SageMaker's) rerank for a reranker (one label) and
  // predict for a classifier, with that route's body.
  const modelTypeSchema = {
    summary: 'TEI\'s default route: /rerank\'s body and answer for a one-label model, /predict\'s for a classifier',
    tags: ['TEI'],
  } as const;
  for (const url of ['/', '/invocations']) {
    scope.post(url, { schema: modelTypeSchema }, (request, reply) => (state.requireModel().numLabels === 1
      ? rerank(validatedBody<RerankBody>(request, rerankSchema.body), reply)
      : predict(validatedBody<PredictBody>(request, predictSchema.body), reply)));
  }
}
