import type { Message } from '@ctxkit/core';
import { callMessage, toolResult } from '@ctxkit/test-utils';
import { describe, expect, it } from 'vitest';
import { groupTurns } from './groups.js';

describe('groupTurns', () => {
  it('groups an assistant message with all of its parallel results, in any order', () => {
    const msgs: Message[] = [
      { role: 'user', content: 'go' },
      callMessage(['a', 'b', 'c']),
      toolResult('c'),
      toolResult('a'),
      toolResult('b'),
    ];
    const groups = groupTurns(msgs);
    expect(groups.map((g) => [g.start, g.end, g.role])).toEqual([
      [0, 1, 'user'],
      [1, 5, 'assistant'],
    ]);
    expect(groups[1]?.pendingToolCallIds).toEqual([]);
  });

  it('reports calls still waiting for their result', () => {
    const groups = groupTurns([{ role: 'user', content: 'go' }, callMessage(['a', 'b']), toolResult('b')]);
    expect(groups[1]?.pendingToolCallIds).toEqual(['a']);
  });

  it('keeps a result that answers no adjacent call as its own group instead of losing it', () => {
    const msgs: Message[] = [
      callMessage(['a']),
      { role: 'user', content: 'x' },
      toolResult('a'),
      toolResult('zz'),
    ];
    const groups = groupTurns(msgs);
    expect(groups.map((g) => g.role)).toEqual(['assistant', 'user', 'tool', 'tool']);
    expect(groups.flatMap((g) => g.messages)).toEqual(msgs);
  });
});
