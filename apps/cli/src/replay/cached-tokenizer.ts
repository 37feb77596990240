import type { TokenCountCache } from '@ctxkit/cache';
import { type CountMessagesOptions, type Message, requestTokens, type Tokenizer } from '@ctxkit/core';

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
      return requestTokens(tokenizer, messages, { tools: options?.tools, countMessage });
    },
  };
}
