import { CtxkitError } from '@ctxkit/core';

/**
 * Refuses an options object with a key it does not know. A misspelt option must fail loudly: a store
 * given `{ dir }` instead of `{ directory }` would otherwise write to (and apply retention on) the
 * default store. `known` is written as `{ key: true, … } satisfies Record<keyof Options, true>`, so
 * adding an option to the interface without listing it here fails the typecheck.
 *
 * @param options - what the caller passed (`undefined` is accepted: every option is optional)
 * @param known - every accepted key
 * @param what - the options' name, for the message (e.g. `JsonlUsageStore options`)
 * @throws CtxkitError `INVALID_ARGUMENT` for a non-object or an unknown key
 */
export function checkOptionKeys(options: unknown, known: Record<string, true>, what: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new CtxkitError('INVALID_ARGUMENT', `${what} must be an object`);
  }
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(known, key)) continue;
    const accepted = Object.keys(known);
    const near = accepted.find((k) => k.toLowerCase().startsWith(key.toLowerCase().slice(0, 3)));
    throw new CtxkitError(
      'INVALID_ARGUMENT',
      `unknown ${what} key "${key}"${near ? ` (did you mean "${near}"?)` : ''}; accepted: ${accepted.join(', ')}`,
      { option: key, accepted },
    );
  }
}
