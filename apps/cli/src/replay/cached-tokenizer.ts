import type { TokenCountCache } from '@ctxkit/cache';
import type { CountMessagesOptions, Message, Tokenizer } from '@ctxkit/core';

/**
 * A tokenizer whose message counts go through a {@link TokenCountCache}, so a
 * replay counts each message once however many requests (and however many
 * packages: window, compressor, the replay itself) price it. The cache's hit
 * rate is the figure the replay reports.
 */
export function cachedTokenizer(tokenizer: Tokenizer, cache: TokenCountCache): Tokenizer {
  const countMessage = (m: Message) => cache.count(m, tokenizer);
  return {
    id: tokenizer.id,
    family: tokenizer.family,
    exact: tokenizer.exact,
    encode: (text) => tokenizer.encode(text),
    countTokens: (text) => tokenizer.countTokens(text),
    countMessage,
    countMessages(messages: readonly Message[], options?: CountMessagesOptions) {
      // Per-request framing, priming and tool definitions: what an empty request costs.
      let n = tokenizer.countMessages([], options);
      for (const m of messages) n += countMessage(m);
      return n;
    },
  };
}
