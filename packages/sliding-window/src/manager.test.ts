import { CtxkitError, type Message, type Tokenizer, validateConversation } from '@ctxkit/core';
import { assistantMessage, callMessage, systemMessage, toolResult, userMessage } from '@ctxkit/test-utils';
import { describe, expect, it } from 'vitest';
import { charCount, textOfTokens } from '../test/window-oracle.js';
import { fitToBudget } from './fit.js';
import { SlidingWindowContextManager } from './manager.js';

const make = (
  maxTokens: number,
  extra: Partial<ConstructorParameters<typeof SlidingWindowContextManager>[0]> = {},
) => new SlidingWindowContextManager({ maxTokens, count: charCount, ...extra });

function expectValid(w: SlidingWindowContextManager) {
  expect(validateConversation(w.messages(), { allowPendingCalls: true })).toEqual([]);
  expect(w.totalTokens()).toBeLessThanOrEqual(w.budget);
  expect(w.totalTokens()).toBe(w.messages().reduce((s, m) => s + charCount(m), 0));
}

function budgetError(fn: () => unknown): CtxkitError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CtxkitError) return error;
    throw error;
  }
  throw new Error('expected a CtxkitError');
}

describe('SlidingWindowContextManager', () => {
  it('counts each message once and keeps a running total', () => {
    let calls = 0;
    const w = make(1000, {
      count: (m) => {
        calls++;
        return charCount(m);
      },
    });
    const msgs = [
      systemMessage(textOfTokens(20)),
      userMessage(textOfTokens(30)),
      assistantMessage(textOfTokens(40)),
      userMessage(textOfTokens(50)),
    ];
    w.addMany(msgs);
    expect(calls).toBe(4);
    expect(w.totalTokens()).toBe(140);
    w.messages();
    w.totalTokens();
    expect(calls).toBe(4);
  });

  it('counts through a core Tokenizer with countMessage', () => {
    const tokenizer: Tokenizer = {
      id: 'test:chars',
      family: 'test',
      exact: false,
      encode: (t) => Array.from(t, (_, i) => i),
      countTokens: (t) => t.length,
      countMessage: (m) => charCount(m) * 2,
      countMessages: (ms) => ms.reduce((s, m) => s + charCount(m) * 2, 0),
    };
    const w = new SlidingWindowContextManager({ maxTokens: 100, tokenizer });
    w.add(userMessage(textOfTokens(10)));
    expect(w.totalTokens()).toBe(20);
  });

  it('evicts the oldest messages first and never exceeds the budget', () => {
    const w = make(50, { keepFirstUserMessage: false });
    const a = userMessage(textOfTokens(20));
    const b = assistantMessage(textOfTokens(20));
    const c = userMessage(textOfTokens(20));
    w.addMany([a, b]);
    expect(w.add(c)).toEqual([a, b]);
    expect(w.messages()).toEqual([c]);
    expect(w.dropped()).toEqual([a, b]);
    expectValid(w);
  });

  it('always keeps system messages, in their place', () => {
    const w = make(60, { keepFirstUserMessage: false });
    const s1 = systemMessage(textOfTokens(10));
    const s2 = systemMessage(textOfTokens(10));
    w.addMany([
      s1,
      userMessage(textOfTokens(20)),
      assistantMessage(textOfTokens(20)),
      s2,
      userMessage(textOfTokens(20)),
    ]);
    const out = w.messages();
    expect(out[0]).toBe(s1);
    expect(out).toContain(s2);
    expect(out.indexOf(s2)).toBeLessThan(out.length - 1);
    expectValid(w);
  });

  it('keeps the first user message by default, and drops it when told not to', () => {
    const task = userMessage(textOfTokens(20), { id: 'task' });
    const w = make(60);
    w.addMany([
      task,
      assistantMessage(textOfTokens(20)),
      userMessage(textOfTokens(20)),
      assistantMessage(textOfTokens(20)),
      userMessage(textOfTokens(20)),
    ]);
    expect(w.messages()[0]).toBe(task);
    const w2 = make(60, { keepFirstUserMessage: false });
    w2.addMany([
      task,
      assistantMessage(textOfTokens(20)),
      userMessage(textOfTokens(20)),
      assistantMessage(textOfTokens(20)),
      userMessage(textOfTokens(20)),
    ]);
    expect(w2.messages()).not.toContain(task);
    expectValid(w);
    expectValid(w2);
  });

  it('keeps pinned messages by id, predicate, flag and index, in order', () => {
    const w = make(100, { keepFirstUserMessage: false });
    const a = userMessage(textOfTokens(20), { id: 'a' });
    const b = assistantMessage(textOfTokens(20), { id: 'b' });
    const c = userMessage(textOfTokens(20), { id: 'c' });
    const d = assistantMessage(textOfTokens(20), { id: 'd', pinned: true });
    w.addMany([a, b, c, d]);
    expect(w.pin('a')).toBe(1);
    expect(w.pin((m) => m.id === 'c')).toBe(1);
    for (let i = 0; i < 10; i++)
      w.addMany([userMessage(textOfTokens(10)), assistantMessage(textOfTokens(10))]);
    const out = w.messages();
    // b answered a but is not pinned itself: it leaves; d keeps c, the question it answers.
    expect(out.slice(0, 3)).toEqual([a, c, d]);
    expect(out).not.toContain(b);
    expectValid(w);
  });

  it('a pinned assistant turn keeps its whole tool group and the user message it answers', () => {
    const w = make(120, { keepFirstUserMessage: false });
    const q = userMessage(textOfTokens(10), { id: 'q' });
    const a = callMessage(['x', 'y'], { id: 'a' });
    const rx = toolResult('x', textOfTokens(10));
    const ry = toolResult('y', textOfTokens(10));
    w.addMany([q, a, rx, ry]);
    w.pin('a');
    for (let i = 0; i < 10; i++)
      w.addMany([userMessage(textOfTokens(10)), assistantMessage(textOfTokens(10))]);
    const out = w.messages();
    expect(out.slice(0, 4)).toEqual([q, a, rx, ry]);
    expectValid(w);
  });

  it('pinning a tool result keeps its call and its sibling results', () => {
    const w = make(120, { keepFirstUserMessage: false });
    const q = userMessage(textOfTokens(10));
    const a = callMessage(['x', 'y', 'z']);
    const results = [
      toolResult('y', textOfTokens(10), { id: 'ry' }),
      toolResult('x', textOfTokens(10)),
      toolResult('z', textOfTokens(10)),
    ];
    w.addMany([q, a, ...results]);
    expect(w.pin('ry')).toBe(1);
    for (let i = 0; i < 10; i++)
      w.addMany([userMessage(textOfTokens(10)), assistantMessage(textOfTokens(10))]);
    expect(w.messages().slice(0, 5)).toEqual([q, a, ...results]);
    expectValid(w);
  });

  it('evicts a tool call together with all of its parallel results', () => {
    const w = make(200, { keepFirstUserMessage: false });
    const q = userMessage(textOfTokens(10));
    const a = callMessage(['p', 'q', 'r']);
    const rs = [
      toolResult('r', textOfTokens(30)),
      toolResult('p', textOfTokens(30)),
      toolResult('q', textOfTokens(30)),
    ];
    w.addMany([q, a, ...rs]);
    const evicted = w.addMany([userMessage(textOfTokens(60)), assistantMessage(textOfTokens(60))]);
    expect(evicted).toEqual([q, a, ...rs]);
    expectValid(w);
  });

  it('in a long tool loop, keeps the user message and evicts the oldest turns behind it', () => {
    const w = make(100, { keepFirstUserMessage: false });
    const q = userMessage(textOfTokens(10), { id: 'q' });
    w.add(q);
    for (let i = 0; i < 20; i++) w.addMany([callMessage([`c${i}`]), toolResult(`c${i}`, textOfTokens(15))]);
    const out = w.messages();
    expect(out[0]).toBe(q);
    expect(out[1]?.role).toBe('assistant');
    expect(out.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'c19' });
    expectValid(w);
  });

  it("an exchange's user message leaves with its last turn, never before", () => {
    const w = make(80, { keepFirstUserMessage: false });
    const q1 = userMessage(textOfTokens(10));
    const t1 = assistantMessage(textOfTokens(20));
    const t2 = assistantMessage(textOfTokens(20));
    w.addMany([q1, t1, t2]);
    expect(w.add(userMessage(textOfTokens(40)))).toEqual([t1]); // q1 stays: t2 still answers it
    const evicted = w.add(assistantMessage(textOfTokens(20)));
    expect(evicted).toEqual([q1, t2]); // conversation order
    expect(w.dropped()).toEqual([q1, t1, t2]);
    expect(w.messages()[0]?.role).toBe('user');
    expectValid(w);
  });

  it('throws BUDGET_EXCEEDED with the figures and changes nothing when the newest turn cannot fit', () => {
    const w = make(100);
    w.addMany([systemMessage(textOfTokens(20)), userMessage(textOfTokens(20))]);
    const before = w.messages();
    const err = budgetError(() => w.add(assistantMessage(textOfTokens(70))));
    expect(err.code).toBe('BUDGET_EXCEEDED');
    expect(err.details).toMatchObject({ needed: 110, budget: 100, pinnedTokens: 40, messageTokens: 70 });
    expect(w.messages()).toEqual(before);
    expect(w.totalTokens()).toBe(40);
    w.add(assistantMessage(textOfTokens(60)));
    expect(w.totalTokens()).toBe(100);
  });

  it('never drops a pin to make room', () => {
    const w = make(100, { keepFirstUserMessage: false });
    w.addMany([userMessage(textOfTokens(40), { id: 'keep' }), assistantMessage(textOfTokens(10))]);
    w.pin('keep');
    expect(budgetError(() => w.add(userMessage(textOfTokens(70)))).code).toBe('BUDGET_EXCEEDED');
    expect(w.messages().map((m) => m.id)).toContain('keep');
  });

  it('a tool result that cannot fit is refused and the call stays pending', () => {
    const w = make(100, { keepFirstUserMessage: false });
    w.addMany([userMessage(textOfTokens(10)), callMessage(['x'])]);
    expect(budgetError(() => w.add(toolResult('x', textOfTokens(95)))).code).toBe('BUDGET_EXCEEDED');
    expect(w.pendingToolCalls()).toEqual(['x']);
    w.add(toolResult('x', textOfTokens(50)));
    expect(w.pendingToolCalls()).toEqual([]);
    expect(validateConversation(w.messages())).toEqual([]);
  });

  it('reserves tokens for the reply', () => {
    const w = make(100, { reserveTokens: 40, keepFirstUserMessage: false });
    expect(w.budget).toBe(60);
    w.addMany([
      userMessage(textOfTokens(30)),
      assistantMessage(textOfTokens(30)),
      userMessage(textOfTokens(30)),
    ]);
    expect(w.totalTokens()).toBeLessThanOrEqual(60);
    expect(w.remainingTokens()).toBe(60 - w.totalTokens());
  });

  it('in a live loop, messages() keeps the pending call unless asked to omit it', () => {
    const w = make(500);
    const q = userMessage(textOfTokens(10));
    const a = callMessage(['x', 'y']);
    const rx = toolResult('x', textOfTokens(10));
    w.addMany([q, a, rx]);
    expect(w.pendingToolCalls()).toEqual(['y']);
    expect(validateConversation(w.messages(), { allowPendingCalls: true })).toEqual([]);
    expect(validateConversation(w.messages()).map((p) => p.kind)).toEqual(['unanswered_tool_call']);
    expect(w.messages({ pending: 'omit' })).toEqual([q]);
    expect(validateConversation(w.messages({ pending: 'omit' }))).toEqual([]);
    w.add(toolResult('y', textOfTokens(10)));
    expect(validateConversation(w.messages())).toEqual([]);
  });

  it('rejects messages that would break the conversation, leaving it unchanged', () => {
    const w = make(500);
    expect(budgetError(() => w.add(assistantMessage(textOfTokens(10)))).code).toBe('INVALID_CONVERSATION'); // first must be user
    w.addMany([userMessage(textOfTokens(10)), callMessage(['x'])]);
    expect(budgetError(() => w.add(userMessage(textOfTokens(10)))).code).toBe('INVALID_CONVERSATION'); // call still pending
    expect(budgetError(() => w.add(toolResult('nope', textOfTokens(10)))).code).toBe('INVALID_CONVERSATION'); // orphan
    w.add(toolResult('x', textOfTokens(10)));
    expect(budgetError(() => w.add(toolResult('x', textOfTokens(10)))).code).toBe('INVALID_CONVERSATION'); // answered twice
    expect(budgetError(() => w.add(callMessage(['x']))).code).toBe('INVALID_CONVERSATION'); // reused id
    expect(budgetError(() => w.add(callMessage(['k', 'k']))).code).toBe('INVALID_CONVERSATION');
    expect(budgetError(() => w.add({ role: 'robot', content: '' } as never)).code).toBe('INVALID_MESSAGE');
    expect(validateConversation(w.messages())).toEqual([]);
    expect(w.size).toBe(3);
  });

  it('addMany reports the index of the message that failed', () => {
    const w = make(500);
    const err = budgetError(() =>
      w.addMany([
        userMessage(textOfTokens(10)),
        assistantMessage(textOfTokens(10)),
        toolResult('x', textOfTokens(10)),
      ]),
    );
    expect(err.details).toMatchObject({ index: 2 });
    expect(w.size).toBe(2);
  });

  it('refuses misspelt options of the window, of messages() and of fitToBudget', () => {
    expect(budgetError(() => make(100, { reserveToken: 10 } as never)).message).toMatch(
      /unknown SlidingWindowContextManager options key "reserveToken" \(did you mean "reserveTokens"\?\)/,
    );
    expect(budgetError(() => make(100).messages({ pendin: 'omit' } as never)).code).toBe('INVALID_ARGUMENT');
    expect(
      budgetError(() => fitToBudget([], { maxTokens: 10, count: () => 1, strategi: 'first' } as never)).code,
    ).toBe('INVALID_ARGUMENT');
  });

  it('rejects bad options and bad counts with typed errors', () => {
    expect(budgetError(() => make(0)).code).toBe('INVALID_ARGUMENT');
    expect(budgetError(() => make(100, { reserveTokens: 100 })).code).toBe('INVALID_ARGUMENT');
    expect(budgetError(() => new SlidingWindowContextManager({ maxTokens: 10 })).code).toBe(
      'INVALID_ARGUMENT',
    );
    const nan = make(100, { count: () => Number.NaN });
    expect(budgetError(() => nan.add(userMessage(textOfTokens(10)))).code).toBe('INVALID_ARGUMENT');
    const throwing = make(100, {
      count: () => {
        throw new Error('boom');
      },
    });
    expect(budgetError(() => throwing.add(userMessage(textOfTokens(10)))).code).toBe('INVALID_ARGUMENT');
    expect(budgetError(() => make(100).pinMessage(3)).code).toBe('INVALID_ARGUMENT');
  });

  it('unpinning makes a message evictable again; system messages stay pinned', () => {
    const w = make(100, { keepFirstUserMessage: false });
    const s = systemMessage(textOfTokens(10), { id: 's' });
    const a = userMessage(textOfTokens(20), { id: 'a' });
    w.addMany([s, a, assistantMessage(textOfTokens(10))]);
    w.pin('a');
    expect(w.isPinned(a)).toBe(true);
    expect(w.unpin('a')).toBe(1);
    expect(w.unpin('s')).toBe(0);
    expect(w.isPinned(a)).toBe(false);
    expect(w.isPinned(s)).toBe(true);
    w.addMany([userMessage(textOfTokens(40)), assistantMessage(textOfTokens(30))]);
    expect(w.messages()).not.toContain(a);
    expect(w.messages()[0]).toBe(s);
    expectValid(w);
  });

  describe('unpin removes only the rule it names', () => {
    /** Adds enough traffic that every unpinned message of the first exchanges is evicted. */
    const flood = (w: SlidingWindowContextManager) => {
      for (let i = 0; i < 8; i++)
        w.addMany([userMessage(textOfTokens(10)), assistantMessage(textOfTokens(10))]);
    };

    it("keeps a message's own pinned: true flag", () => {
      const w = make(80, { keepFirstUserMessage: false });
      const a = userMessage(textOfTokens(20), { id: 'a', pinned: true });
      w.addMany([a, assistantMessage(textOfTokens(10))]);
      w.pin('a');
      expect(w.unpin('a')).toBe(0);
      flood(w);
      expect(w.isPinned(a)).toBe(true);
      expect(w.messages()).toContain(a);
      expectValid(w);
    });

    it('keeps a pin that another rule (a predicate) still applies', () => {
      const w = make(80, { keepFirstUserMessage: false });
      const keep = (m: Message) => m.metadata?.keep === true;
      const a = userMessage(textOfTokens(20), { id: 'a', metadata: { keep: true } });
      w.addMany([a, assistantMessage(textOfTokens(10))]);
      w.pin(keep);
      expect(w.pin('a')).toBe(0);
      expect(w.unpin('a')).toBe(0);
      flood(w);
      expect(w.messages()).toContain(a);
      // Removing the last rule that applies makes it evictable.
      expect(w.unpin(keep)).toBe(1);
      flood(w);
      expect(w.messages()).not.toContain(a);
    });

    it('keeps a pin that an id rule still applies when a predicate is unpinned', () => {
      const w = make(80, { keepFirstUserMessage: false });
      const keep = (m: Message) => m.metadata?.keep === true;
      w.pin(keep);
      const a = userMessage(textOfTokens(20), { id: 'a', metadata: { keep: true } });
      w.addMany([a, assistantMessage(textOfTokens(10))]);
      w.pin('a');
      expect(w.unpin(keep)).toBe(0);
      flood(w);
      expect(w.messages()).toContain(a);
    });

    it('keeps a pinMessage pin; unpinMessage removes it', () => {
      const w = make(80, { keepFirstUserMessage: false });
      const a = userMessage(textOfTokens(20), { id: 'a' });
      w.addMany([a, assistantMessage(textOfTokens(10))]);
      expect(w.pinMessage(0)).toBe(true);
      w.pin('a');
      expect(w.unpin('a')).toBe(0);
      flood(w);
      expect(w.messages()).toContain(a);
      expect(w.unpinMessage(w.messages().indexOf(a))).toBe(true);
      flood(w);
      expect(w.messages()).not.toContain(a);
      expect(budgetError(() => w.unpinMessage(-1)).code).toBe('INVALID_ARGUMENT');
    });
  });

  it('a predicate pin also applies to messages added later', () => {
    const w = make(80, { keepFirstUserMessage: false });
    const rule = (m: Message) => m.metadata?.rule === true;
    w.pin(rule);
    const r: Message = { role: 'user', content: textOfTokens(20), metadata: { rule: true } };
    w.addMany([userMessage(textOfTokens(10)), r, assistantMessage(textOfTokens(10))]);
    for (let i = 0; i < 5; i++)
      w.addMany([userMessage(textOfTokens(10)), assistantMessage(textOfTokens(10))]);
    expect(w.messages()).toContain(r);
    w.unpin(rule);
    for (let i = 0; i < 5; i++)
      w.addMany([userMessage(textOfTokens(10)), assistantMessage(textOfTokens(10))]);
    expect(w.messages()).not.toContain(r);
  });

  it('pinMessage(index) pins the message at that index of messages()', () => {
    const w = make(60, { keepFirstUserMessage: false });
    w.addMany([
      userMessage(textOfTokens(10)),
      assistantMessage(textOfTokens(10)),
      userMessage(textOfTokens(10)),
    ]);
    const target = w.messages()[1] as Message;
    expect(w.pinMessage(1)).toBe(true);
    for (let i = 0; i < 5; i++)
      w.addMany([userMessage(textOfTokens(10)), assistantMessage(textOfTokens(10))]);
    expect(w.messages()).toContain(target);
    expectValid(w);
  });

  it('notifies onEvict listeners with what left, in order', () => {
    const events: Message[][] = [];
    const w = make(50, { keepFirstUserMessage: false, onEvict: (e) => events.push(e.messages) });
    const extra: number[] = [];
    const off = w.onEvict((e) => extra.push(e.totalTokens));
    const a = userMessage(textOfTokens(20));
    const b = assistantMessage(textOfTokens(20));
    w.addMany([a, b, userMessage(textOfTokens(20))]);
    expect(events).toEqual([[a, b]]);
    expect(extra).toEqual([20]);
    off();
    w.addMany([assistantMessage(textOfTokens(20)), userMessage(textOfTokens(20))]);
    expect(extra).toEqual([20]);
    expect(events.length).toBe(2);
  });

  it('takeDropped hands each dropped message over once', () => {
    const w = make(45, { keepFirstUserMessage: false });
    w.addMany([
      userMessage(textOfTokens(20)),
      assistantMessage(textOfTokens(20)),
      userMessage(textOfTokens(20)),
    ]);
    expect(w.takeDropped().length).toBe(2);
    expect(w.dropped()).toEqual([]);
  });

  it('keeps the aliases of the original request', () => {
    const w = make(100);
    w.addMessage(userMessage(textOfTokens(10)));
    expect(w.getMessages()).toEqual(w.messages());
    expect(w.getTotalTokens()).toBe(w.totalTokens());
  });

  it('handles empty content and content parts', () => {
    const w = make(30, { keepFirstUserMessage: false });
    w.addMany([
      { role: 'user', content: '' },
      { role: 'assistant', content: [] },
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
    ]);
    expect(w.totalTokens()).toBe(4 + 4 + 5);
    expectValid(w);
  });
});
