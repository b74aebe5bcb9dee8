// Installs one scope's error handler and not-found answer: fastify's own request errors (bad JSON, schema,
// body too large) and everything a route throws become that API's error body, with Retry-After on 429/503.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';

import { ApiError, fromLibraryError, type ErrorBodies } from './api-error';

/** fastify's request errors as API errors; the message names the field (ajv's "body/texts must be array"). */
function fromFastifyError(error: FastifyError): ApiError | undefined {
  if (error.validation) return new ApiError(422, 'Validation', `invalid request: ${error.message}`);
  const status = error.statusCode;
  if (status === 413) return new ApiError(413, 'Validation', `request body too large: ${error.message}`);
  if (status !== undefined && status >= 400 && status < 500) {
    const type = error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'Empty' : 'Validation';
    return new ApiError(status, type, `invalid request: ${error.message}`);
  }
  return undefined;
}

export function sendApiError(reply: FastifyReply, error: ApiError, bodies: ErrorBodies): FastifyReply {
  if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
  return reply.code(bodies.status(error)).send(bodies.body(error));
}

export function installErrorHandler(scope: FastifyInstance, bodies: ErrorBodies): void {
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = fromFastifyError(error) ?? fromLibraryError(error);
    if (apiError.status >= 500 && apiError.status !== 503) request.log.error({ err: error }, 'request failed');
    return sendApiError(reply, apiError, bodies);
  });
}
