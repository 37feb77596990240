import { callMessage, toolResult, userMessage } from '@ctxkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CtxkitError } from './errors.js';
import { repairConversation, SYNTHETIC_TOOL_RESULT, SYNTHETIC_USER_MESSAGE } from './repair.js';
import type { Message } from './types.js';
import { validateConversation } from './validate.js';

// The assistant of these histories says 'a' and runs `run` with `{"x":1}`; a result reads `result <id>`.
const RUN = { content: 'a', name: 'run', arguments: '{"x":1}' };

describe('repairConversation', () => {
  it('returns a valid conversation unchanged, with the same message objects', () => {
    const input = [
      { role: 'system', content: 's' } as Message,
      userMessage('u'),
      callMessage(['a', 'b'], RUN),
      toolResult('b', 'result b'),
      toolResult('a', 'result a'),
    ];
    const { messages, changes } = repairConversation(input);
    expect(changes).toEqual([]);
    expect(messages).toEqual(input);
    messages.forEach((m, i) => expect(m).toBe(input[i]));
  });
  it('adds a fixed synthetic result for an unanswered call, right after its call', () => {
    const { messages, changes } = repairConversation([
      userMessage('u'),
      callMessage(['a', 'b'], RUN),
      toolResult('a', 'result a'),
      userMessage('next'),
    ]);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'user']);
    expect(messages[3]).toEqual({ role: 'tool', tool_call_id: 'b', content: SYNTHETIC_TOOL_RESULT });
    expect(changes).toEqual([{ kind: 'synthetic_result_added', index: 1, toolCallId: 'b' }]);
  });
  it('leaves pending calls of the last turn alone when asked', () => {
    const input = [userMessage('u'), callMessage(['a', 'b'], RUN), toolResult('a', 'result a')];
    expect(repairConversation(input, { allowPendingCalls: true }).changes).toEqual([]);
    expect(repairConversation(input).changes).toHaveLength(1);
  });
  it('drops orphan results and results before their call', () => {
    const { messages, changes } = repairConversation([
      userMessage('u'),
      toolResult('ghost', 'result ghost'),
      toolResult('a', 'result a'),
      callMessage(['a'], RUN),
      toolResult('a', 'result a'),
    ]);
    expect(messages).toEqual([userMessage('u'), callMessage(['a'], RUN), toolResult('a', 'result a')]);
    expect(changes.map((c) => c.kind)).toEqual(['orphan_result_dropped', 'orphan_result_dropped']);
  });
  it('drops a second result for the same call', () => {
    const { messages, changes } = repairConversation([
      userMessage('u'),
      callMessage(['a'], RUN),
      toolResult('a', 'one'),
      toolResult('a', 'two'),
    ]);
    expect(messages).toEqual([userMessage('u'), callMessage(['a'], RUN), toolResult('a', 'one')]);
    expect(changes).toEqual([{ kind: 'duplicate_result_dropped', index: 3, toolCallId: 'a' }]);
  });
  it('renames a reused call id and keeps both answers', () => {
    const { messages, changes } = repairConversation([
      userMessage('u'),
      callMessage(['a'], RUN),
      toolResult('a', '1'),
      callMessage(['a'], RUN),
      toolResult('a', '2'),
    ]);
    expect(messages[3]!.tool_calls![0]!.id).toBe('a~2');
    expect(messages[4]).toEqual(toolResult('a~2', '2'));
    expect(changes).toEqual([{ kind: 'duplicate_call_renamed', index: 3, toolCallId: 'a', newId: 'a~2' }]);
    expect(validateConversation(messages)).toEqual([]);
  });
  it('moves a result separated from its call back next to it', () => {
    const { messages, changes } = repairConversation([
      userMessage('u'),
      callMessage(['a'], RUN),
      userMessage('interrupt'),
      toolResult('a', 'result a'),
    ]);
    expect(messages).toEqual([
      userMessage('u'),
      callMessage(['a'], RUN),
      toolResult('a', 'result a'),
      userMessage('interrupt'),
    ]);
    expect(changes).toEqual([{ kind: 'result_moved', index: 3, toolCallId: 'a' }]);
  });
  it('inserts a user message when the conversation does not start with one', () => {
    const sys: Message = { role: 'system', content: 's' };
    const { messages, changes } = repairConversation([sys, { role: 'assistant', content: 'hi' }]);
    expect(messages[1]).toEqual({ role: 'user', content: SYNTHETIC_USER_MESSAGE });
    expect(changes).toEqual([{ kind: 'user_message_inserted', index: 1 }]);
  });
  it('throws a typed error on malformed messages instead of guessing', () => {
    const bad = [userMessage('u'), { role: 'robot', content: 'x' }] as unknown as Message[];
    expect(() => repairConversation(bad)).toThrowError(CtxkitError);
    try {
      repairConversation(bad);
    } catch (e) {
      expect((e as CtxkitError).code).toBe('INVALID_MESSAGE');
      expect((e as CtxkitError).details).toMatchObject({ index: 1, kind: 'unknown_role' });
    }
  });
});

// Arbitrary histories: any mix of roles, with tool calls and results drawn from a small id pool so that
// orphans, duplicates, early results, separated results and unanswered calls all occur often.
const id = fc.constantFrom('a', 'b', 'c', 'd');
const arbMessage: fc.Arbitrary<Message> = fc.oneof(
  fc.string().map((s): Message => ({ role: 'user', content: s })),
  fc.string().map((s): Message => ({ role: 'system', content: s })),
  fc.string().map((s): Message => ({ role: 'assistant', content: s })),
  fc.uniqueArray(id, { minLength: 1, maxLength: 3 }).map((ids): Message => callMessage(ids, RUN)),
  id.map((i) => toolResult(i, `result ${i}`)),
);

describe('repairConversation properties', () => {
  it('always produces a conversation that validates clean', () => {
    fc.assert(
      fc.property(fc.array(arbMessage, { maxLength: 30 }), (history) => {
        const { messages } = repairConversation(history);
        expect(validateConversation(messages)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });
  it('returns valid input unchanged', () => {
    fc.assert(
      fc.property(fc.array(arbMessage, { maxLength: 30 }), (history) => {
        const repaired = repairConversation(history).messages;
        const again = repairConversation(repaired);
        expect(again.changes).toEqual([]);
        expect(again.messages).toEqual(repaired);
      }),
      { numRuns: 1000 },
    );
  });
  it('keeps every non-tool message, in order', () => {
    fc.assert(
      fc.property(fc.array(arbMessage, { maxLength: 30 }), (history) => {
        const kept = repairConversation(history).messages.filter(
          (m) => m.role !== 'tool' && m.content !== SYNTHETIC_USER_MESSAGE,
        );
        const input = history.filter((m) => m.role !== 'tool');
        expect(kept.map((m) => m.content)).toEqual(input.map((m) => m.content));
      }),
      { numRuns: 1000 },
    );
  });
});
