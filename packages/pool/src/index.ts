/**
 * `@ctxkit/pool` — Shared, reference-counted tokenizer pool keyed by vocabulary with a memory budget for ctxkit.
 *
 * @packageDocumentation
 */

/** Says hello; replace with the package's real surface. */
export function hello(): string {
  return 'hello from @ctxkit/pool';
}
