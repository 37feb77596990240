import type { Message } from '@ctxkit/core';
import { createTokenizer } from '@ctxkit/tokenizers';
import { describe, expect, it } from 'vitest';
import { WorkingConversation } from './working-conversation.js';

const tokenizer = createTokenizer('openai', 'gpt-4o');
const call = (ids: string[]): Message => ({
  role: 'assistant',
  content: '',
  tool_calls: ids.map((id) => ({ id, type: 'function', function: { name: 'read_file', arguments: '{}' } })),
});
const result = (id: string): Message => ({ role: 'tool', tool_call_id: id, content: `output of ${id}` });

describe('WorkingConversation units', () => {
  it('are the turn groups: parallel results with their call, an orphan or repeated result alone', () => {
    const work = new WorkingConversation(
      [
        { role: 'user', content: 'go' },
        call(['a', 'b']),
        result('b'),
        result('a'),
        result('zz'),
        result('a'),
        { role: 'user', content: 'next' },
      ],
      tokenizer,
      undefined,
    );
    // The former rule (any tool message after a calling assistant) gave [0, 1, 6].
    expect(work.unitStarts()).toEqual([0, 1, 4, 5, 6]);
  });

  it('protect a live step whose calls still wait for results as the current step', () => {
    const work = new WorkingConversation(
      [{ role: 'user', content: 'go' }, { role: 'assistant', content: 'ok' }, call(['a', 'b']), result('a')],
      tokenizer,
      undefined,
    );
    expect(work.currentStep()).toBe(2);
    expect([...work.protectedSet()].sort()).toEqual([0, 2, 3]);
  });
});
