import { CtxkitError } from '@ctxkit/core';

/** Throws a typed error unless `text` is a string (the estimators never guess at other input). */
export function assertText(text: unknown, fn: string): asserts text is string {
  if (typeof text !== 'string') {
    throw new CtxkitError(
      'INVALID_ARGUMENT',
      `${fn} expects a string, got ${text === null ? 'null' : typeof text}`,
      {
        received: text === null ? 'null' : typeof text,
      },
    );
  }
}
