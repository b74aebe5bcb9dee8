// An AbortSignal that fires when the client goes away before its answer is sent, so its queued pairs are
// dropped instead of scored for nobody.
import type { FastifyReply } from 'fastify';

export function clientGoneSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  // The response's 'close' (not the request's, which fires once the body is read) is the connection
  // ending; writableFinished tells a finished answer from a client that hung up.
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('the client closed the connection'));
  });
  return controller.signal;
}
