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
 * The error every ctxkit package throws. `code` is stable across versions;
 * `details` carries the figures that explain the failure (budgets, indexes, ids).
 */
export class CtxkitError extends Error {
  /** Stable machine-readable code. */
  readonly code: CtxkitErrorCode;
  /** Extra structured context, e.g. `{ needed: 9000, budget: 8000 }`. */
  readonly details: Record<string, unknown> | undefined;

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

/** Type guard for {@link CtxkitError}, optionally for one code. */
export function isCtxkitError(value: unknown, code?: CtxkitErrorCode): value is CtxkitError {
  return value instanceof CtxkitError && (code === undefined || value.code === code);
}
