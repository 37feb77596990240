import { describe, expect, it } from 'vitest';
import { messageCategory, tokenBreakdown } from './token-breakdown.js';

describe('tokenBreakdown', () => {
  it('files each role under its category and sums them, tool definitions included', () => {
    const messages = [
      { role: 'system', tokens: 11 },
      { role: 'user', tokens: 7 },
      { role: 'assistant', tokens: 5 },
      { role: 'tool', tokens: 3 },
      { role: 'user', tokens: 2 },
    ];
    expect(tokenBreakdown(messages, (m) => m.tokens, 40)).toEqual({
      system: 11,
      userMessages: 9,
      assistantMessages: 5,
      toolDefinitions: 40,
      toolResults: 3,
      total: 11 + 9 + 5 + 40 + 3,
    });
  });

  it('counts a role it does not know as assistant, never drops it', () => {
    const b = tokenBreakdown([{ role: 'developer' }, { role: 'user' }], () => 10);
    expect(b.assistantMessages).toBe(10);
    expect(b.total).toBe(20);
    expect(messageCategory('developer')).toBe('assistantMessages');
  });

  it('counts each message once, in order', () => {
    const messages = [{ role: 'user' }, { role: 'assistant' }, { role: 'tool' }];
    const seen: unknown[] = [];
    tokenBreakdown(messages, (m) => {
      seen.push(m);
      return 1;
    });
    expect(seen).toEqual(messages);
    expect(seen[0]).toBe(messages[0]);
  });

  it('is all zeros for an empty conversation', () => {
    expect(tokenBreakdown([], () => 1)).toEqual({
      system: 0,
      userMessages: 0,
      assistantMessages: 0,
      toolDefinitions: 0,
      toolResults: 0,
      total: 0,
    });
  });
});
