import { describe, expect, it } from 'vitest';
import type { Message } from './types.js';
import { validateConversation } from './validate.js';

const call = (id: string, name = 'read') => ({
  id,
  type: 'function' as const,
  function: { name, arguments: '{}' },
});
const user = (content: string): Message => ({ role: 'user', content });
const asst = (...ids: string[]): Message => ({
  role: 'assistant',
  content: '',
  tool_calls: ids.map((id) => call(id)),
});
const tool = (id: string): Message => ({ role: 'tool', tool_call_id: id, content: 'ok' });
const kinds = (m: unknown[]) => validateConversation(m).map((p) => p.kind);

describe('validateConversation', () => {
  it('accepts a valid conversation with parallel calls', () => {
    expect(
      validateConversation([
        { role: 'system', content: 's' },
        user('u'),
        asst('a', 'b'),
        tool('b'),
        tool('a'),
        { role: 'assistant', content: 'done' },
      ]),
    ).toEqual([]);
  });
  it('reports an orphan result', () => {
    expect(kinds([user('u'), tool('x')])).toEqual(['orphan_tool_result']);
  });
  it('reports an unanswered call', () => {
    expect(validateConversation([user('u'), asst('a'), user('next')])).toMatchObject([
      { kind: 'unanswered_tool_call', index: 1, toolCallId: 'a' },
    ]);
  });
  it('allows pending calls on the last assistant turn only when asked', () => {
    expect(kinds([user('u'), asst('a', 'b'), tool('a')])).toEqual(['unanswered_tool_call']);
    expect(validateConversation([user('u'), asst('a', 'b'), tool('a')], { allowPendingCalls: true })).toEqual(
      [],
    );
    expect(kinds([user('u'), asst('a'), user('x'), asst('b')])).toContain('unanswered_tool_call');
  });
  it('reports a result before its call', () => {
    expect(kinds([user('u'), tool('a'), asst('a'), tool('a')])).toEqual(['result_before_call']);
  });
  it('reports duplicate call ids and double answers', () => {
    expect(kinds([user('u'), asst('a'), tool('a'), asst('a'), tool('a')])).toEqual([
      'duplicate_tool_call_id',
      'duplicate_tool_call_id',
    ]);
    expect(kinds([user('u'), asst('a'), tool('a'), tool('a')])).toEqual(['duplicate_tool_call_id']);
  });
  it('reports a result separated from its call', () => {
    expect(kinds([user('u'), asst('a'), user('interrupt'), tool('a')])).toEqual(['result_not_adjacent']);
  });
  it('reports a first non-system message not from the user', () => {
    expect(
      kinds([
        { role: 'system', content: 's' },
        { role: 'assistant', content: 'hi' },
      ]),
    ).toEqual(['first_not_user']);
  });
  it('reports unknown roles and invalid content without throwing', () => {
    expect(kinds([user('u'), { role: 'robot', content: 'x' }])).toEqual(['unknown_role']);
    expect(kinds([user('u'), { role: 'assistant', content: 42 }])).toEqual(['invalid_content']);
    expect(kinds([user('u'), null])).toEqual(['invalid_content']);
    expect(kinds([user('u'), { role: 'user', content: [{ type: 'video' }] }])).toEqual(['invalid_content']);
    expect(kinds([user('u'), { role: 'tool', content: 'x' }])).toEqual(['invalid_content']);
    expect(
      kinds([
        user('u'),
        { role: 'assistant', content: '', tool_calls: [{ id: 'a', function: { name: 'x', arguments: 3 } }] },
      ]),
    ).toEqual(['invalid_content']);
    expect(validateConversation('nope' as unknown as unknown[])).toHaveLength(1);
  });
});
