import { CtxkitError, type Message, type TokenCounter, type Tokenizer } from '@ctxkit/core';

/** Where counts come from: a core {@link Tokenizer} or any `count(message) => number`. */
export interface CounterSource {
  /** A tokenizer; the window counts with `tokenizer.countMessage`. */
  tokenizer?: Tokenizer;
  /** A counting function; used when no tokenizer is given. */
  count?: TokenCounter;
}

/**
 * Turns a {@link CounterSource} into one checked counting function. A count that is not a finite,
 * non-negative number is a typed error: a NaN would silently disable the budget.
 * @internal
 */
export function resolveCounter(source: CounterSource, where: string): TokenCounter {
  const { tokenizer, count } = source;
  if (tokenizer !== undefined && count !== undefined) {
    throw new CtxkitError('INVALID_ARGUMENT', `${where}: give either tokenizer or count, not both`);
  }
  let raw: TokenCounter;
  if (tokenizer !== undefined) {
    if (typeof tokenizer?.countMessage !== 'function') {
      throw new CtxkitError('INVALID_ARGUMENT', `${where}: tokenizer has no countMessage method`);
    }
    raw = (m) => tokenizer.countMessage(m);
  } else if (typeof count === 'function') {
    raw = count;
  } else {
    throw new CtxkitError('INVALID_ARGUMENT', `${where}: a tokenizer or a count function is required`);
  }
  return (message: Message) => {
    let n: number;
    try {
      n = raw(message);
    } catch (cause) {
      if (cause instanceof CtxkitError) throw cause;
      throw new CtxkitError(
        'INVALID_ARGUMENT',
        `${where}: counting a ${message.role} message failed`,
        undefined,
        {
          cause,
        },
      );
    }
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new CtxkitError(
        'INVALID_ARGUMENT',
        `${where}: count returned ${String(n)} for a ${message.role} message`,
        {
          count: n,
        },
      );
    }
    return n;
  };
}

/** Checks `maxTokens` / `reserveTokens` and returns the budget messages may use. @internal */
export function resolveBudget(maxTokens: unknown, reserveTokens: unknown, where: string): number {
  if (typeof maxTokens !== 'number' || !Number.isFinite(maxTokens) || maxTokens <= 0) {
    throw new CtxkitError('INVALID_ARGUMENT', `${where}: maxTokens must be a positive number`, { maxTokens });
  }
  const reserve = reserveTokens ?? 0;
  if (typeof reserve !== 'number' || !Number.isFinite(reserve) || reserve < 0 || reserve >= maxTokens) {
    throw new CtxkitError('INVALID_ARGUMENT', `${where}: reserveTokens must be >= 0 and below maxTokens`, {
      maxTokens,
      reserveTokens,
    });
  }
  return maxTokens - reserve;
}
