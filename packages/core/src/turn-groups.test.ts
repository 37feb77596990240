import { callMessage, toolResult } from '@ctxkit/test-utils';
import { describe, expect, it } from 'vitest';
import { groupTurns } from './turn-groups.js';
import type { Message } from './types.js';

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

  it('keeps an orphan or a repeated result right after a call out of that call group', () => {
    // Grouping every tool message after a calling assistant (the compressor's former rule) would
    // make one group of these four and tie the orphan `zz` and the second `a` to a turn they do not answer.
    const msgs: Message[] = [
      { role: 'user', content: 'go' },
      callMessage(['a']),
      toolResult('a'),
      toolResult('zz'),
      toolResult('a'),
    ];
    const groups = groupTurns(msgs);
    expect(groups.map((g) => [g.start, g.end, g.role])).toEqual([
      [0, 1, 'user'],
      [1, 3, 'assistant'],
      [3, 4, 'tool'],
      [4, 5, 'tool'],
    ]);
    expect(groups.flatMap((g) => g.messages)).toEqual(msgs);
  });

  it('keeps the group of a live loop open for its pending calls only', () => {
    const groups = groupTurns([
      { role: 'user', content: 'go' },
      callMessage(['a', 'b']),
      toolResult('b'),
      toolResult('x'),
    ]);
    expect(groups.map((g) => [g.start, g.end])).toEqual([
      [0, 1],
      [1, 3],
      [3, 4],
    ]);
    expect(groups[1]?.pendingToolCallIds).toEqual(['a']);
    expect(groups[2]?.pendingToolCallIds).toEqual([]);
  });
});
