// Bearer API-key check for a scope: a missing or wrong key is a 401 in the scope's error format.
import { createHash, timingSafeEqual } from 'node:crypto';

import type { FastifyInstance } from 'fastify';

import { ApiError, type ErrorBodies } from './api-error';
import { sendApiError } from './error-handler';

// Comparing digests keeps the comparison constant-time whatever the lengths.
const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export function requireApiKey(scope: FastifyInstance, apiKey: string, bodies: ErrorBodies): void {
  const expected = digest(apiKey);
  scope.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    if (match && timingSafeEqual(digest(match[1] as string), expected)) return;
    const message = header === undefined
      ? 'missing API key: send the header Authorization: Bearer <key>'
      : 'invalid API key in the Authorization header (expected: Bearer <key>)';
    return sendApiError(reply, new ApiError(401, 'Unauthorized', message), bodies);
  });
}
