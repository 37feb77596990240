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
  const b: TokenBreakdown = {
    system: 0,
    userMessages: 0,
    assistantMessages: 0,
    toolDefinitions: 0,
    toolResults: 0,
    total: 0,
  };
  for (const m of messages) {
    const tokens = count(m);
    if (m.role === 'system') b.system += tokens;
    else if (m.role === 'user') b.userMessages += tokens;
    else if (m.role === 'tool') b.toolResults += tokens;
    else b.assistantMessages += tokens;
  }
  b.total = b.system + b.userMessages + b.assistantMessages + b.toolDefinitions + b.toolResults;
  return b;
}
