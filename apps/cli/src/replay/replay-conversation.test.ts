import { ExtractiveSummarizer } from '@ctxkit/compressor';
import { loadTranscripts } from '@ctxkit/test-utils';
import { createTokenizer } from '@ctxkit/tokenizers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replayConversation } from './replay-conversation.js';
import { compressStrategy, noneStrategy, windowStrategy } from './strategies.js';

const tokenizer = createTokenizer('openai', 'gpt-4o');
// Real agent sessions with tool calls and enough turns to need managing at a small limit.
const sessions = loadTranscripts()
  .filter((t) => t.messages.some((m) => m.tool_calls?.length) && t.messages.length >= 10)
  .slice(0, 6);

describe('replayConversation on real transcripts', () => {
  it('baseline figures are the tokenizer’s own counts of each history prefix', async () => {
    const t = sessions[0]!;
    const r = await replayConversation(t.messages, {
      limit: 8000,
      reserve: 1000,
      tokenizer,
      strategy: noneStrategy(),
    });
    for (const q of r.requests) {
      expect(q.baselineTokens).toBe(tokenizer.countMessages(t.messages.slice(0, q.messageIndex)));
      expect(q.tokens).toBe(q.baselineTokens);
    }
    expect(r.overflows.baseline).toBe(r.requests.filter((q) => q.tokens > 7000).length);
    expect(r.countCache.hitRate).toBeGreaterThan(0);
  });

  it('window and compress: every request is valid and within the budget, unless the strategy reports why not', async () => {
    expect(sessions.length).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...sessions),
        fc.integer({ min: 4000, max: 12000 }),
        fc.constantFrom('window', 'compress'),
        async (t, limit, name) => {
          const strategy =
            name === 'window' ? windowStrategy() : compressStrategy(new ExtractiveSummarizer(), 'extractive');
          const reserve = Math.floor(limit / 8);
          const r = await replayConversation(t.messages, { limit, reserve, tokenizer, strategy });
          for (const q of r.requests) {
            const failures = q.events.filter((e) => e.kind === 'failure');
            // The only accepted failure: the pinned part and the newest turn alone exceed the budget.
            for (const f of failures) expect(f.kind === 'failure' && f.code).toBe('BUDGET_EXCEEDED');
            if (failures.length === 0) {
              expect(q.valid, `${t.name} turn ${q.turn}`).toBe(true);
              expect(q.tokens, `${t.name} turn ${q.turn}`).toBeLessThanOrEqual(limit - reserve);
            }
            expect(q.tokens).toBeLessThanOrEqual(Math.max(q.baselineTokens, limit));
          }
          expect(r.overflows.strategy).toBeLessThanOrEqual(r.overflows.baseline);
          expect(r.failures).toBeLessThan(Math.max(1, r.turns));
        },
      ),
      { numRuns: 12 },
    );
  });
});
