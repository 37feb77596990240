import type { AnyToolDefinition } from './tools.js';
import type { Message, Tokenizer } from './types.js';

/** Options for {@link requestTokens}. */
export interface RequestTokensOptions {
  /**
   * Tool definitions sent with the request (any shape `countMessages` accepts).
   * @default undefined (no tools)
   */
  tools?: readonly AnyToolDefinition[];
  /**
   * Counts one message. Pass a cached counter, e.g. `(m) => cache.count(m, tokenizer)` with a
   * `TokenCountCache` from `@ctxkit/cache`, so a message is counted once however many requests
   * carry it.
   * @default `tokenizer.countMessage`
   */
  countMessage?: (message: Message) => number;
  /**
   * What the request costs beyond its messages, when the caller already holds it (see
   * {@link requestOverhead}); `tools` is then not counted again.
   * @default `requestOverhead(tokenizer, tools)`
   */
  overhead?: number;
}

/**
 * What a request costs beyond its messages: the once-per-request framing, the reply priming and the
 * tool definitions — what `tokenizer.countMessages` gives for an empty conversation.
 *
 * @param tokenizer - the tokenizer of the model the request goes to.
 * @param tools - tool definitions sent with the request; none by default.
 * @throws {CtxkitError} whatever `tokenizer.countMessages` throws for bad tool definitions
 *   (`INVALID_ARGUMENT` for ctxkit tokenizers).
 * @example
 * ```ts
 * const overhead = requestOverhead(tokenizer, tools); // counted once, reused for every request
 * ```
 */
export function requestOverhead(tokenizer: Tokenizer, tools?: readonly AnyToolDefinition[]): number {
  return tokenizer.countMessages([], tools !== undefined && tools.length > 0 ? { tools } : undefined);
}

/**
 * Tokens a whole request costs: {@link requestOverhead} plus every message's own count. For ctxkit
 * tokenizers this equals `tokenizer.countMessages(messages, { tools })`; the difference is that each
 * message goes through `options.countMessage`, so a caller with a per-message cache keeps its caching,
 * and a caller that holds the overhead passes it instead of recounting the tools.
 *
 * @param tokenizer - the tokenizer of the model the request goes to.
 * @param messages - the request's messages, in order.
 * @param options - tool definitions, a per-message counter, a known overhead.
 * @throws {CtxkitError} whatever the tokenizer (or `countMessage`) throws for a bad message or tool
 *   (`INVALID_MESSAGE` / `INVALID_ARGUMENT` for ctxkit tokenizers).
 * @example
 * ```ts
 * import { requestTokens } from '@ctxkit/core';
 * import { TokenCountCache } from '@ctxkit/cache';
 *
 * const cache = new TokenCountCache();
 * const tokens = requestTokens(tokenizer, messages, {
 *   tools,
 *   countMessage: (m) => cache.count(m, tokenizer),
 * });
 * // === tokenizer.countMessages(messages, { tools })
 * ```
 */
export function requestTokens(
  tokenizer: Tokenizer,
  messages: readonly Message[],
  options: RequestTokensOptions = {},
): number {
  const count = options.countMessage ?? ((m: Message) => tokenizer.countMessage(m));
  let n = options.overhead ?? requestOverhead(tokenizer, options.tools);
  for (const m of messages) n += count(m);
  return n;
}
