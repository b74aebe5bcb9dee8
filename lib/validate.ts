// Argument checks for the public API, all with one message format: "Expected X for <name> but received Y".
import { AbortError, CrossEncoderRangeError, CrossEncoderTypeError } from './errors';

/** How a received value is named in type-error messages: its type (class name for class instances). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object' || typeof value === 'function') {
    const constructorName = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof constructorName === 'string' && constructorName !== 'Object' ? constructorName : typeof value;
  }
  return typeof value;
}

function expected(what: string, name: string, value: unknown): string {
  return `Expected ${what} for ${name} but received ${describe(value)}`;
}

export function assertString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw new CrossEncoderTypeError('ERR_INVALID_ARG_TYPE', expected('a string', name, value));
}

export function assertBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw new CrossEncoderTypeError('ERR_INVALID_ARG_TYPE', expected('a boolean', name, value));
}

/** A string that names a file or directory: no NUL, which the native file APIs would silently cut the path at. */
export function assertPathString(value: unknown, name: string): asserts value is string {
  assertString(value, name);
  const nul = value.indexOf('\0');
  if (nul !== -1) {
    throw new CrossEncoderTypeError(
      'ERR_INVALID_ARG_VALUE',
      `Expected a path without NUL characters for ${name} but received a string with NUL at index ${nul}`,
    );
  }
}

// The read* helpers below validate and copy in one pass: each element is read exactly once, so a getter or
// Proxy that changes its answer between a check and a later use (or that grows the array while it is walked)
// cannot get an unchecked value past them, and native code only ever sees plain arrays of primitive strings.

/** A fresh array of the strings in `value`. */
export function readStringArray(value: unknown, name: string): string[] {
  if (!Array.isArray(value)) throw new CrossEncoderTypeError('ERR_INVALID_ARG_TYPE', expected('an array of strings', name, value));
  const length = value.length;
  const copy: string[] = [];
  for (let i = 0; i < length; i++) {
    const item: unknown = value[i];
    assertString(item, `${name}[${i}]`);
    copy.push(item);
  }
  return copy;
}

/** A fresh array of fresh [string, string] tuples. */
export function readPairs(value: unknown, name: string): Array<readonly [string, string]> {
  if (!Array.isArray(value)) {
    throw new CrossEncoderTypeError('ERR_INVALID_ARG_TYPE', expected('an array of [string, string] pairs', name, value));
  }
  const length = value.length;
  const copy: Array<readonly [string, string]> = [];
  for (let i = 0; i < length; i++) {
    const pair: unknown = value[i];
    if (!Array.isArray(pair)) {
      throw new CrossEncoderTypeError('ERR_INVALID_ARG_TYPE', expected('a [string, string] pair', `${name}[${i}]`, pair));
    }
    const pairLength = pair.length;
    if (pairLength !== 2) {
      throw new CrossEncoderTypeError(
        'ERR_INVALID_ARG_VALUE',
        `Expected a [string, string] pair for ${name}[${i}] but received an array of length ${pairLength}`,
      );
    }
    const first: unknown = pair[0];
    const second: unknown = pair[1];
    assertString(first, `${name}[${i}][0]`);
    assertString(second, `${name}[${i}][1]`);
    copy.push([first, second]);
  }
  return copy;
}

/** A safe integer >= `min`; wrong type -> TypeError, NaN/Infinity/fraction/too small -> RangeError. */
export function assertInteger(
  value: unknown,
  name: string,
  min: number,
  what: string,
  max = Number.MAX_SAFE_INTEGER,
): asserts value is number {
  if (typeof value !== 'number') throw new CrossEncoderTypeError('ERR_INVALID_ARG_TYPE', expected(what, name, value));
  // Range errors show the number itself (NaN, Infinity, -1, 1.5), which says more than its type.
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new CrossEncoderRangeError(`Expected ${what} for ${name} but received ${String(value)}`);
  }
}

export function assertOneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    const list = allowed.map((item) => `'${item}'`).join(', ');
    const received = typeof value === 'string' ? `'${value}'` : describe(value);
    throw new CrossEncoderTypeError(
      typeof value === 'string' ? 'ERR_INVALID_ARG_VALUE' : 'ERR_INVALID_ARG_TYPE',
      `Expected one of ${list} for ${name} but received ${received}`,
    );
  }
}

export function assertAbortSignal(value: unknown, name: string): asserts value is AbortSignal {
  if (!(value instanceof AbortSignal)) throw new CrossEncoderTypeError('ERR_INVALID_ARG_TYPE', expected('an AbortSignal', name, value));
}

/**
 * Checks that `options` is undefined or a plain object whose keys are all in `known`; returns it as a record.
 * Unknown keys are an error (a misspelt `batchsize` silently ignored would be worse).
 */
export function readOptions(options: unknown, name: string, known: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new CrossEncoderTypeError('ERR_INVALID_ARG_TYPE', expected('an options object', name, options));
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new CrossEncoderTypeError(
        'ERR_UNKNOWN_OPTION',
        `Unknown option '${key}' in ${name}; expected only ${known.join(', ')}`,
      );
    }
  }
  return options as Record<string, unknown>;
}

/** The AbortError an already-aborted or aborting signal rejects with. */
export function abortErrorFor(signal: AbortSignal): AbortError {
  return new AbortError('The operation was aborted', { cause: signal.reason });
}
