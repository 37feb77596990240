import { messageDefect } from './message-check.js';
import type { Message } from './types.js';

/** The kinds of problem {@link validateConversation} reports. */
export type ConversationProblemKind =
  /** A tool result whose id matches no tool call anywhere in the conversation. */
  | 'orphan_tool_result'
  /** A tool call that no later tool message answers. */
  | 'unanswered_tool_call'
  /** A tool result that appears before the call it answers. */
  | 'result_before_call'
  /** Two tool calls share an id, or one call is answered twice. */
  | 'duplicate_tool_call_id'
  /** A tool result separated from its call by a user or assistant message (providers reject this). */
  | 'result_not_adjacent'
  /** The first message that is not a system message is not a user message. */
  | 'first_not_user'
  /** A message whose role is not system, user, assistant or tool. */
  | 'unknown_role'
  /** Content that is neither a string nor text/image parts, or malformed tool-call fields. */
  | 'invalid_content';

/** One problem found in a conversation. */
export interface ConversationProblem {
  kind: ConversationProblemKind;
  /** Index of the offending message. */
  index: number;
  /** The tool-call id involved, for tool-pairing problems. */
  toolCallId?: string;
  /** A human-readable explanation. */
  message: string;
}

/** Options for {@link validateConversation}. */
export interface ValidateOptions {
  /**
   * Accept unanswered calls on the last assistant message when nothing follows
   * it: the state of a live agent loop while its tools run.
   * @default false
   */
  allowPendingCalls?: boolean;
}

/**
 * Checks a conversation against the rules every provider enforces: tool calls
 * and results pair up one to one with results right after their call, ids are
 * unique, the first non-system message is the user's, roles and content are valid.
 * Never throws, whatever the input.
 *
 * @returns every problem found, in message order; an empty array means valid.
 * @param messages - the conversation; any value is accepted and reported on, never thrown at.
 * @param options - see {@link ValidateOptions}.
 * @example
 * ```ts
 * validateConversation([
 *   { role: 'user', content: 'hi' },
 *   { role: 'tool', tool_call_id: 'c1', content: 'ok' },
 * ]);
 * // → [{ kind: 'orphan_tool_result', index: 1, toolCallId: 'c1', message: 'tool result c1 answers no call' }]
 * ```
 */
export function validateConversation(
  messages: readonly unknown[],
  options: ValidateOptions = {},
): ConversationProblem[] {
  const problems: ConversationProblem[] = [];
  if (!Array.isArray(messages)) {
    return [{ kind: 'invalid_content', index: -1, message: 'conversation is not an array' }];
  }
  const wellFormed: boolean[] = messages.map((m, index) => {
    const defect = messageDefect(m);
    if (defect) problems.push({ kind: defect.kind, index, message: defect.reason });
    return !defect;
  });

  const firstNonSystem = messages.findIndex((m, i) => wellFormed[i] && (m as Message).role !== 'system');
  if (firstNonSystem >= 0 && (messages[firstNonSystem] as Message).role !== 'user') {
    problems.push({
      kind: 'first_not_user',
      index: firstNonSystem,
      message: `first non-system message is from ${(messages[firstNonSystem] as Message).role}`,
    });
  }

  // Where each call id was made, and which ids are answered.
  const callIndex = new Map<string, number>();
  const answered = new Set<string>();
  for (let i = 0; i < messages.length; i++) {
    if (!wellFormed[i]) continue;
    const m = messages[i] as Message;
    for (const call of m.tool_calls ?? []) {
      if (callIndex.has(call.id)) {
        problems.push({
          kind: 'duplicate_tool_call_id',
          index: i,
          toolCallId: call.id,
          message: `tool call id ${call.id} is used twice`,
        });
      } else {
        callIndex.set(call.id, i);
      }
    }
  }
  let openCalls: Set<string> | undefined; // ids of the assistant turn whose results may follow now
  for (let i = 0; i < messages.length; i++) {
    if (!wellFormed[i]) continue;
    const m = messages[i] as Message;
    if (m.role === 'tool') {
      const id = m.tool_call_id as string;
      const at = callIndex.get(id);
      if (at === undefined) {
        problems.push({
          kind: 'orphan_tool_result',
          index: i,
          toolCallId: id,
          message: `tool result ${id} answers no call`,
        });
      } else if (at > i) {
        problems.push({
          kind: 'result_before_call',
          index: i,
          toolCallId: id,
          message: `tool result ${id} comes before its call at ${at}`,
        });
      } else if (answered.has(id)) {
        problems.push({
          kind: 'duplicate_tool_call_id',
          index: i,
          toolCallId: id,
          message: `tool call ${id} is answered twice`,
        });
      } else if (!openCalls?.has(id)) {
        problems.push({
          kind: 'result_not_adjacent',
          index: i,
          toolCallId: id,
          message: `tool result ${id} does not directly follow its call at ${at}`,
        });
      }
      if (at !== undefined && at < i) answered.add(id);
      continue;
    }
    openCalls = m.tool_calls && m.tool_calls.length > 0 ? new Set(m.tool_calls.map((c) => c.id)) : undefined;
  }
  let lastAssistant = -1;
  messages.forEach((m, i) => {
    if (wellFormed[i] && (m as Message).role === 'assistant') lastAssistant = i;
  });
  const pendingAllowed =
    options.allowPendingCalls === true &&
    lastAssistant >= 0 &&
    messages.slice(lastAssistant + 1).every((m) => (m as Message | null)?.role === 'tool');
  for (const [id, at] of callIndex) {
    if (answered.has(id)) continue;
    if (pendingAllowed && at === lastAssistant) continue;
    problems.push({
      kind: 'unanswered_tool_call',
      index: at,
      toolCallId: id,
      message: `tool call ${id} has no result`,
    });
  }
  return problems.sort((a, b) => a.index - b.index);
}

/**
 * `true` when {@link validateConversation} finds no problem.
 * @param messages - the conversation to check.
 * @param options - see {@link ValidateOptions}.
 */
export function isValidConversation(messages: readonly unknown[], options?: ValidateOptions): boolean {
  return validateConversation(messages, options).length === 0;
}
