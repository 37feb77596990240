import { tokenBreakdown } from '@ctxkit/core';
import { CtxkitNanocoderTokenizer } from './tokenizer.js';
import type { NanocoderMessage, NanocoderTokenizer, TokenBreakdown } from './types.js';

/**
 * Drop-in for Nanocoder's `calculateTokenBreakdown(messages, tokenizer, getTokens?)`:
 * tokens per category for `/usage` and the context bar. `toolDefinitions` stays 0
 * as in Nanocoder (it adds tool definitions separately).
 *
 * With a ctxkit tokenizer, `getTokens` is ignored on purpose: Nanocoder passes
 * a cache keyed on `content + role + model`, which gives every tool-call-only
 * assistant turn (content `''`) the count of the first one seen; ctxkit's own
 * cache keys on the whole message. With any other tokenizer it behaves exactly
 * like Nanocoder's.
 *
 * @param messages - the history; `system`, `user` and `tool` messages go to their own
 *   categories, any other role to `assistantMessages`
 * @param tokenizer - counts one message (`countTokens`)
 * @param getTokens - Nanocoder's cached counter; used only when `tokenizer` is not a ctxkit one
 */
export function calculateTokenBreakdown(
  messages: readonly NanocoderMessage[],
  tokenizer: NanocoderTokenizer,
  getTokens?: (message: NanocoderMessage) => number,
): TokenBreakdown {
  const count =
    tokenizer instanceof CtxkitNanocoderTokenizer || getTokens === undefined
      ? (m: NanocoderMessage) => tokenizer.countTokens(m)
      : getTokens;
  // toolDefinitions stays 0, as in Nanocoder.
  return tokenBreakdown(messages, count);
}
