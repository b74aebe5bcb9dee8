// Typed errors of the package: CrossEncoderError (with a stable `code`) and argument Type/Range errors.

/** Codes produced by the native core, plus the few the TS layer adds. */
export type CrossEncoderErrorCode =
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_FILE_NOT_FOUND'
  | 'ERR_FILE_UNREADABLE'
  | 'ERR_INVALID_CONFIG'
  | 'ERR_UNSUPPORTED_ARCHITECTURE'
  | 'ERR_INVALID_SAFETENSORS'
  | 'ERR_MISSING_TENSOR'
  | 'ERR_INVALID_TOKENIZER'
  | 'ERR_CANCELLED'
  | 'ERR_DISPOSED'
  | 'ERR_INTERNAL'
  | 'ERR_ADDON_NOT_FOUND'
  | 'ERR_UNSUPPORTED_OPERATION'
  | 'ABORT_ERR';

export class CrossEncoderError extends Error {
  readonly code: CrossEncoderErrorCode;
  constructor(code: CrossEncoderErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CrossEncoderError';
    this.code = code;
  }
}

/** Rejection of an operation whose AbortSignal fired; `cause` is the signal's reason (as Node's AbortError). */
export class AbortError extends CrossEncoderError {
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super('ABORT_ERR', message, options);
    this.name = 'AbortError';
  }
}

export type ArgumentTypeErrorCode = 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE' | 'ERR_UNKNOWN_OPTION';

/** A caller passed a value of the wrong type (or an unknown option / enum value). */
export class CrossEncoderTypeError extends TypeError {
  readonly code: ArgumentTypeErrorCode;
  constructor(code: ArgumentTypeErrorCode, message: string) {
    super(message);
    this.name = 'CrossEncoderTypeError';
    this.code = code;
  }
}

/** A caller passed a number outside its allowed range. */
export class CrossEncoderRangeError extends RangeError {
  readonly code = 'ERR_OUT_OF_RANGE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'CrossEncoderRangeError';
  }
}

const KNOWN_CODES = new Set<string>([
  'ERR_INVALID_ARGUMENT', 'ERR_FILE_NOT_FOUND', 'ERR_FILE_UNREADABLE', 'ERR_INVALID_CONFIG',
  'ERR_UNSUPPORTED_ARCHITECTURE', 'ERR_INVALID_SAFETENSORS', 'ERR_MISSING_TENSOR', 'ERR_INVALID_TOKENIZER',
  'ERR_CANCELLED', 'ERR_DISPOSED', 'ERR_INTERNAL', 'ERR_ADDON_NOT_FOUND',
]);

/** Wraps whatever the native layer threw into the package's error classes. */
export function fromNativeError(error: unknown): Error {
  if (error instanceof CrossEncoderError) return error;
  // The binding's own argument checks throw plain TypeError/RangeError: keep them as they are.
  if (error instanceof TypeError || error instanceof RangeError) return error;
  if (error instanceof Error) {
    const rawCode = (error as Error & { code?: unknown }).code;
    const code = typeof rawCode === 'string' && KNOWN_CODES.has(rawCode) ? rawCode : 'ERR_INTERNAL';
    return new CrossEncoderError(code as CrossEncoderErrorCode, error.message, { cause: error });
  }
  return new CrossEncoderError('ERR_INTERNAL', `internal error: ${String(error)}`);
}
