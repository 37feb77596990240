/**
 * `@ctxkit/NAME` — DESCRIPTION
 *
 * @packageDocumentation
 */

/** Says hello; replace with the package's real surface. */
export function hello(): string {
  return 'hello from @ctxkit/NAME';
}
