// Typed errors of the package: CrossEncoderError (with a stable `code`) and argument Type/Range errors.
import { NATIVE_ERROR_CODES } from './native';

/** Codes only the TS layer produces: the addon missing, an operation the model cannot do, an aborted signal. */
export const TS_ERROR_CODES = ['ERR_ADDON_NOT_FOUND', 'ERR_UNSUPPORTED_OPERATION', 'ABORT_ERR'] as const;

/** Codes produced by the native core, plus the few the TS layer adds. */
export type CrossEncoderErrorCode = (typeof NATIVE_ERROR_CODES)[number] | (typeof TS_ERROR_CODES)[number];

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

const KNOWN_CODES: ReadonlySet<string> = new Set<string>([...NATIVE_ERROR_CODES, ...TS_ERROR_CODES]);

/** Whether `code` is one of the package's error codes (the addon's list plus TS_ERROR_CODES). */
export function isCrossEncoderErrorCode(code: unknown): code is CrossEncoderErrorCode {
  return typeof code === 'string' && KNOWN_CODES.has(code);
}

/** Wraps whatever the native layer threw into the package's error classes. */
export function fromNativeError(error: unknown): Error {
  if (error instanceof CrossEncoderError) return error;
  // The binding's own argument checks throw plain TypeError/RangeError: keep them as they are.
  if (error instanceof TypeError || error instanceof RangeError) return error;
  if (error instanceof Error) {
    const rawCode = (error as Error & { code?: unknown }).code;
    const code = isCrossEncoderErrorCode(rawCode) ? rawCode : 'ERR_INTERNAL';
    return new CrossEncoderError(code, error.message, { cause: error });
  }
  return new CrossEncoderError('ERR_INTERNAL', `internal error: ${String(error)}`);
}
