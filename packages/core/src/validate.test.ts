import { callMessage, toolResult, userMessage } from '@ctxkit/test-utils';
import { describe, expect, it } from 'vitest';
import { validateConversation } from './validate.js';

const kinds = (m: unknown[]) => validateConversation(m).map((p) => p.kind);

describe('validateConversation', () => {
  it('accepts a valid conversation with parallel calls', () => {
    expect(
      validateConversation([
        { role: 'system', content: 's' },
        userMessage('u'),
        callMessage(['a', 'b'], { name: 'read' }),
        toolResult('b'),
        toolResult('a'),
        { role: 'assistant', content: 'done' },
      ]),
    ).toEqual([]);
  });
  it('reports an orphan result', () => {
    expect(kinds([userMessage('u'), toolResult('x')])).toEqual(['orphan_tool_result']);
  });
  it('reports an unanswered call', () => {
    expect(
      validateConversation([userMessage('u'), callMessage(['a'], { name: 'read' }), userMessage('next')]),
    ).toMatchObject([{ kind: 'unanswered_tool_call', index: 1, toolCallId: 'a' }]);
  });
  it('allows pending calls on the last assistant turn only when asked', () => {
    expect(kinds([userMessage('u'), callMessage(['a', 'b'], { name: 'read' }), toolResult('a')])).toEqual([
      'unanswered_tool_call',
    ]);
    expect(
      validateConversation([userMessage('u'), callMessage(['a', 'b'], { name: 'read' }), toolResult('a')], {
        allowPendingCalls: true,
      }),
    ).toEqual([]);
    expect(
      kinds([
        userMessage('u'),
        callMessage(['a'], { name: 'read' }),
        userMessage('x'),
        callMessage(['b'], { name: 'read' }),
      ]),
    ).toContain('unanswered_tool_call');
  });
  it('reports a result before its call', () => {
    expect(
      kinds([userMessage('u'), toolResult('a'), callMessage(['a'], { name: 'read' }), toolResult('a')]),
    ).toEqual(['result_before_call']);
  });
  it('reports duplicate call ids and double answers', () => {
    expect(
      kinds([
        userMessage('u'),
        callMessage(['a'], { name: 'read' }),
        toolResult('a'),
        callMessage(['a'], { name: 'read' }),
        toolResult('a'),
      ]),
    ).toEqual(['duplicate_tool_call_id', 'duplicate_tool_call_id']);
    expect(
      kinds([userMessage('u'), callMessage(['a'], { name: 'read' }), toolResult('a'), toolResult('a')]),
    ).toEqual(['duplicate_tool_call_id']);
  });
  it('reports a result separated from its call', () => {
    expect(
      kinds([
        userMessage('u'),
        callMessage(['a'], { name: 'read' }),
        userMessage('interrupt'),
        toolResult('a'),
      ]),
    ).toEqual(['result_not_adjacent']);
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
    expect(kinds([userMessage('u'), { role: 'robot', content: 'x' }])).toEqual(['unknown_role']);
    expect(kinds([userMessage('u'), { role: 'assistant', content: 42 }])).toEqual(['invalid_content']);
    expect(kinds([userMessage('u'), null])).toEqual(['invalid_content']);
    expect(kinds([userMessage('u'), { role: 'user', content: [{ type: 'video' }] }])).toEqual([
      'invalid_content',
    ]);
    expect(kinds([userMessage('u'), { role: 'tool', content: 'x' }])).toEqual(['invalid_content']);
    expect(
      kinds([
        userMessage('u'),
        { role: 'assistant', content: '', tool_calls: [{ id: 'a', function: { name: 'x', arguments: 3 } }] },
      ]),
    ).toEqual(['invalid_content']);
    expect(validateConversation('nope' as unknown as unknown[])).toHaveLength(1);
  });
});
