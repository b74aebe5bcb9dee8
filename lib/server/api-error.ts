// One error type for every route, turned into each API's own body: TEI's {error, error_type}, Cohere's
// {message} (what the Vercel AI SDK's cohere provider reads) or, on the route Jina's clients call too, both
// {message, detail}.

/**
 * TEI's error types; the status of each is TEI's (router/src/http/server.rs, From<&ErrorType> for StatusCode),
 * except that 400/401/422 request errors keep their own status with the closest type.
 */
export type TeiErrorType = 'Empty' | 'Validation' | 'Tokenizer' | 'Overloaded' | 'Backend' | 'Unhealthy' | 'Unauthorized';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly teiType: TeiErrorType,
    message: string,
    /** Seconds for the Retry-After header (every 429 and 503 carries one). */
    readonly retryAfter?: number,
    /** The status on the Cohere/Jina routes where it differs (they have no 424). */
    readonly cohereStatus: number = status,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Seconds a client is told to wait after a 429 (queue full): batches finish in milliseconds to a few seconds. */
export const OVERLOADED_RETRY_AFTER_S = 1;
/** Seconds after a 503 (loading, draining, deadline passed). */
export const UNAVAILABLE_RETRY_AFTER_S = 5;

export const unavailable = (message: string): ApiError => new ApiError(503, 'Unhealthy', message, UNAVAILABLE_RETRY_AFTER_S);

/** The library's error (a CrossEncoderError with `code`, or an argument error) as the API's error. */
export function fromLibraryError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ERR_OVERLOADED':
      return new ApiError(429, 'Overloaded', `model overloaded: ${message}`, OVERLOADED_RETRY_AFTER_S);
    case 'ERR_TIMEOUT':
      return new ApiError(503, 'Unhealthy', `request timed out in the queue: ${message}`, UNAVAILABLE_RETRY_AFTER_S);
    case 'ABORT_ERR':
      // The client went away and its call was dropped; nobody reads this answer, the metrics and logs do
      // (499: nginx's and Cohere's "client closed request").
      return new ApiError(499, 'Backend', `request cancelled: the client closed the connection`);
    case 'ERR_DISPOSED':
      return unavailable(`the server is shutting down: ${message}`);
    case 'ERR_UNSUPPORTED_OPERATION':
      // TEI answers 'model is not a re-ranker model' as a Backend error.
      return new ApiError(424, 'Backend', message, undefined, 400);
    case 'ERR_INVALID_ARG_TYPE':
    case 'ERR_INVALID_ARG_VALUE':
    case 'ERR_OUT_OF_RANGE':
    case 'ERR_UNKNOWN_OPTION':
      return new ApiError(422, 'Validation', message);
    default:
      return new ApiError(424, 'Backend', `inference failed: ${message}`, undefined, 500);
  }
}

export interface ErrorBodies {
  /** The body of `error` in this API's format. */
  body(error: ApiError): unknown;
  /** The status this API uses for `error`. */
  status(error: ApiError): number;
}

export const TEI_ERRORS: ErrorBodies = {
  body: (error) => ({ error: error.message, error_type: error.teiType }),
  status: (error) => error.status,
};

export const COHERE_ERRORS: ErrorBodies = {
  body: (error) => ({ message: error.message }),
  status: (error) => error.cohereStatus,
};

/**
 * /v1/rerank serves Cohere v1 and Jina clients: Cohere's {message} plus Jina's {detail} (FastAPI's error field),
 * which Jina's clients (LangChain's and LlamaIndex's JinaRerank) raise when `results` is missing.
 */
export const COHERE_V1_ERRORS: ErrorBodies = {
  body: (error) => ({ message: error.message, detail: error.message }),
  status: COHERE_ERRORS.status,
};
