import { CtxkitError } from '@ctxkit/core';

/**
 * Throws a typed error unless `text` is a string: neither the engines nor the estimators
 * guess at other input.
 * @param text - the value a caller passed as text.
 * @param fn - the public function it was passed to, named in the error message.
 * @throws {CtxkitError} `INVALID_ARGUMENT` when `text` is not a string.
 */
export function assertText(text: unknown, fn: string): asserts text is string {
  if (typeof text !== 'string') {
    const received = text === null ? 'null' : typeof text;
    throw new CtxkitError('INVALID_ARGUMENT', `${fn} expects a string, got ${received}`, { received });
  }
}
