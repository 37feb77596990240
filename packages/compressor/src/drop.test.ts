import type { Message } from '@ctxkit/core';
import { describe, expect, it } from 'vitest';
import { dropOldestGroups } from './drop.js';

const call = (ids: string[]): Message => ({
  role: 'assistant',
  content: '',
  tool_calls: ids.map((id) => ({ id, type: 'function', function: { name: 'read_file', arguments: '{}' } })),
});
const result = (id: string, extra: Partial<Message> = {}): Message => ({
  role: 'tool',
  tool_call_id: id,
  content: `output of ${id}`,
  ...extra,
});

describe('dropOldestGroups', () => {
  it('drops a call with its parallel results as one group, never one without the other', () => {
    const msgs: Message[] = [
      { role: 'user', content: 'go' },
      call(['a', 'b']),
      result('b'),
      result('a'),
      { role: 'user', content: 'next' },
    ];
    const { messages, dropped } = dropOldestGroups(msgs, {
      maxTokens: 20,
      count: () => 10,
      pinned: () => false,
    });
    expect(dropped).toEqual(msgs.slice(0, 4));
    expect(messages).toEqual([msgs[4]]);
  });

  it('groups by call id: a pinned orphan result does not keep the unrelated call before it', () => {
    // Taking any tool message after a calling assistant into its group made [call a, a, zz] one group,
    // so the pin on the orphan `zz` also kept call `a` and its result.
    const orphan = result('zz', { pinned: true });
    const msgs: Message[] = [call(['a']), result('a'), orphan, { role: 'user', content: 'next' }];
    const { messages, dropped } = dropOldestGroups(msgs, {
      maxTokens: 20,
      count: () => 10,
      pinned: (m) => m.pinned === true,
    });
    expect(dropped).toEqual(msgs.slice(0, 2));
    expect(messages).toEqual([orphan, msgs[3]]);
  });
});
