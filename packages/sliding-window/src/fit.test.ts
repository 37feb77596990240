import { CtxkitError, type Message, validateConversation } from '@ctxkit/core';
import { assistantMessage, callMessage, systemMessage, toolResult, userMessage } from '@ctxkit/test-utils';
import { describe, expect, it } from 'vitest';
import { charCount, textOfTokens } from '../test/window-oracle.js';
import { fitToBudget } from './fit.js';
import { SlidingWindowContextManager } from './manager.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof CtxkitError ? error.code : 'untyped';
  }
  return undefined;
}

const history: Message[] = [
  systemMessage(textOfTokens(10), { id: 's' }),
  userMessage(textOfTokens(20), { id: 'task' }),
  callMessage(['a', 'b'], { arguments: {} }),
  toolResult('b', textOfTokens(30)),
  toolResult('a', textOfTokens(30)),
  assistantMessage(textOfTokens(20), { id: 'r1' }),
  userMessage(textOfTokens(20), { id: 'u2' }),
  assistantMessage(textOfTokens(20), { id: 'r2' }),
];

describe('fitToBudget', () => {
  it("'last' keeps the newest turns, the system prompt and the task, and reports what it dropped", () => {
    const fit = fitToBudget(history, { maxTokens: 80, count: charCount });
    expect(fit.messages.map((m) => m.id)).toEqual(['s', 'task', 'u2', 'r2']);
    expect(fit.dropped).toEqual(history.slice(2, 6));
    expect(fit.totalTokens).toBe(70);
    expect(validateConversation(fit.messages)).toEqual([]);
  });

  it("'last' gives the window a manager holds after adding the same messages", () => {
    for (const maxTokens of [110, 160, 1000]) {
      const w = new SlidingWindowContextManager({ maxTokens, count: charCount });
      w.addMany(history);
      expect(fitToBudget(history, { maxTokens, count: charCount }).messages).toEqual(w.messages());
    }
    // At 80 the tool group (62 tokens) plus the pins once was the newest turn and could not fit, so the
    // manager refuses it midway; fitToBudget only needs the final newest turn to fit.
    const w = new SlidingWindowContextManager({ maxTokens: 80, count: charCount });
    expect(codeOf(() => w.addMany(history))).toBe('BUDGET_EXCEEDED');
    expect(fitToBudget(history, { maxTokens: 80, count: charCount }).totalTokens).toBe(70);
  });

  it("'first' keeps the oldest turns after the pins, never a tool call without its results", () => {
    const fit = fitToBudget(history, { maxTokens: 60, count: charCount, strategy: 'first' });
    expect(fit.messages.map((m) => m.id)).toEqual(['s', 'task']);
    const wider = fitToBudget(history, { maxTokens: 110, count: charCount, strategy: 'first' });
    expect(wider.messages).toEqual(history.slice(0, 5));
    expect(validateConversation(wider.messages)).toEqual([]);
  });

  it('keeps pinned ids and predicate pins', () => {
    const byId = fitToBudget(history, { maxTokens: 100, count: charCount, pinned: ['r1'] });
    expect(byId.messages.map((m) => m.id)).toContain('r1');
    const byPredicate = fitToBudget(history, {
      maxTokens: 100,
      count: charCount,
      pinned: (m, i) => i === 5 && m.role === 'assistant',
    });
    expect(byPredicate.messages.map((m) => m.id)).toContain('r1');
    expect(validateConversation(byPredicate.messages)).toEqual([]);
  });

  it('throws BUDGET_EXCEEDED with the figures when the pins and the newest turn cannot fit', () => {
    try {
      fitToBudget(history, { maxTokens: 40, count: charCount });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CtxkitError);
      expect((error as CtxkitError).details).toMatchObject({ needed: 70, budget: 40 });
    }
  });

  it('rejects an invalid conversation and bad options with typed errors', () => {
    expect(
      codeOf(() =>
        fitToBudget([userMessage(textOfTokens(5)), toolResult('zz', textOfTokens(5))], {
          maxTokens: 100,
          count: charCount,
        }),
      ),
    ).toBe('INVALID_CONVERSATION');
    expect(codeOf(() => fitToBudget(history, { maxTokens: -1, count: charCount }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => fitToBudget(history, { maxTokens: 100 }))).toBe('INVALID_ARGUMENT');
    expect(
      codeOf(() => fitToBudget(history, { maxTokens: 100, count: charCount, strategy: 'middle' as never })),
    ).toBe('INVALID_ARGUMENT');
  });

  it('keeps a pending tool call at the end of a live loop', () => {
    const live = [
      userMessage(textOfTokens(10)),
      callMessage(['x', 'y'], { arguments: {} }),
      toolResult('x', textOfTokens(10)),
    ];
    const fit = fitToBudget(live, { maxTokens: 100, count: charCount });
    expect(fit.messages).toEqual(live);
    expect(validateConversation(fit.messages, { allowPendingCalls: true })).toEqual([]);
  });

  it('returns an empty result for an empty conversation', () => {
    expect(fitToBudget([], { maxTokens: 10, count: charCount })).toEqual({
      messages: [],
      dropped: [],
      totalTokens: 0,
    });
  });
});
