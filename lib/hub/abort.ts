// Maps an aborted signal to the package's AbortError (code ABORT_ERR), whatever layer noticed it first.
import { AbortError } from '../errors';

export function abortErrorFor(signal: AbortSignal, what: string): AbortError {
  return new AbortError(`${what} was aborted`, { cause: signal.reason });
}
