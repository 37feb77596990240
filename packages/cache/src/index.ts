/**
 * `@ctxkit/cache` — count each message once. A bounded LRU of per-message
 * token counts keyed by (vocabulary, fingerprint of the whole message), and an
 * incremental counter that keeps a conversation's total and Nanocoder-style
 * breakdown up to date in O(changed messages).
 *
 * Works with any `@ctxkit/core` {@link @ctxkit/core!Tokenizer}.
 *
 * @packageDocumentation
 */

export {
  ConversationCounter,
  type ConversationCounterOptions,
  type TokenBreakdown,
} from './conversation-counter.js';
export { messageFingerprint } from './fingerprint.js';
export {
  ENTRY_OVERHEAD_BYTES,
  TokenCountCache,
  type TokenCountCacheOptions,
  type TokenCountCacheStats,
} from './token-count-cache.js';
