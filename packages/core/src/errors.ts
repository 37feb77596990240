/**
 * Stable error codes used across every ctxkit package. Match on `code`, not on messages.
 */
export type CtxkitErrorCode =
  | 'INVALID_MESSAGE'
  | 'INVALID_ARGUMENT'
  | 'INVALID_CONVERSATION'
  | 'UNKNOWN_MODEL'
  | 'BUDGET_EXCEEDED'
  | 'TOKENIZER_LOAD_FAILED'
  | 'REFCOUNT_MISUSE'
  | 'DISPOSED'
  | 'SUMMARIZER_FAILED'
  | 'STORE_CORRUPT'
  | 'IO_ERROR'
  | 'UNSUPPORTED';

/**
 * Marks every {@link CtxkitError}. `Symbol.for` gives the same symbol to every copy of this
 * package in a process — the ESM and the CJS build, or two installed versions — so an error
 * thrown by one copy is recognised by another, which `instanceof` alone does not do.
 */
const BRAND: unique symbol = Symbol.for('@ctxkit/core.CtxkitError') as never;

/**
 * The error every ctxkit package throws. `code` is stable across versions;
 * `details` carries the figures that explain the failure (budgets, indexes, ids).
 * `error instanceof CtxkitError` and {@link isCtxkitError} hold for errors from any copy of
 * `@ctxkit/core` loaded in the process.
 */
export class CtxkitError extends Error {
  /** Recognises errors of every copy of this class by their brand (subclasses keep the usual `instanceof`). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class instanceof is asked about; a subclass gets the ordinary check
    if (this !== CtxkitError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return isBranded(value);
  }

  /** Stable machine-readable code. */
  readonly code: CtxkitErrorCode;
  /** Extra structured context, e.g. `{ needed: 9000, budget: 8000 }`. */
  readonly details: Record<string, unknown> | undefined;

  /**
   * @param code - the stable error code callers branch on.
   * @param message - a human-readable explanation.
   * @param details - structured context, e.g. `{ needed, budget }`.
   * @param options - `cause`: the error that led to this one.
   */
  constructor(
    code: CtxkitErrorCode,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CtxkitError';
    this.code = code;
    this.details = details;
  }
}

Object.defineProperty(CtxkitError.prototype, BRAND, { value: true });

function isBranded(value: unknown): value is CtxkitError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [BRAND]?: unknown })[BRAND] === true &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/**
 * Type guard for {@link CtxkitError}, optionally for one code. Recognises errors from every
 * copy of `@ctxkit/core` in the process (ESM and CJS builds, two installed versions).
 * @param value - any caught value.
 * @param code - when given, only an error with this code matches.
 * @example
 * ```ts
 * try {
 *   window.add(message);
 * } catch (error) {
 *   if (isCtxkitError(error, 'BUDGET_EXCEEDED')) console.log(error.details?.needed);
 *   else throw error;
 * }
 * ```
 */
export function isCtxkitError(value: unknown, code?: CtxkitErrorCode): value is CtxkitError {
  return isBranded(value) && (code === undefined || value.code === code);
}
