import type { Message, Role } from './types.js';

/**
 * One eviction unit of a conversation: a single message, or an assistant message with tool calls
 * together with every result that answers it (parallel calls included).
 */
export interface TurnGroup {
  /** Index of the group's first message in the input. */
  start: number;
  /** Index just past the group's last message (`messages.slice(start, end)`). */
  end: number;
  /** The messages of the group, in input order. */
  messages: Message[];
  /**
   * Role of the group's first message. A `tool` group only arises for a result that answers no call of
   * the assistant message right before it (invalid input, kept as its own group so nothing is lost).
   */
  role: Role;
  /** Ids of the group's tool calls that no result in the group answers yet (a live agent loop). */
  pendingToolCallIds: string[];
}

/**
 * Splits a conversation into turn groups: an assistant message with tool calls and all of its results
 * form one group; every other message is a group of its own. Never throws; works on any message list.
 *
 * The one rule every ctxkit package groups by (the sliding window evicts, the compressor cuts and drops
 * whole groups):
 * - a result joins the group only when its `tool_call_id` answers a call of that assistant message that
 *   no earlier result in the group answered, and only while the results follow the call without a
 *   break — parallel results come in any order;
 * - any other `tool` message (an orphan, a duplicate, a result after another message) is a group of its
 *   own, so it is never tied to a turn it does not belong to and never lost;
 * - calls still waiting for a result (a live agent loop) are listed in `pendingToolCallIds`.
 *
 * @example
 * ```ts
 * groupTurns([user, assistantWithTwoCalls, result1, result2, reply]).map((g) => g.messages.length);
 * // → [1, 3, 1]
 * ```
 * @param messages - any message list, in conversation order.
 */
export function groupTurns(messages: readonly Message[]): TurnGroup[] {
  const groups: TurnGroup[] = [];
  let open: { group: TurnGroup; pending: Set<string> } | undefined;
  messages.forEach((message, index) => {
    const id = message?.role === 'tool' ? message.tool_call_id : undefined;
    if (open && id !== undefined && open.pending.has(id)) {
      open.pending.delete(id);
      open.group.messages.push(message);
      open.group.end = index + 1;
      open.group.pendingToolCallIds = [...open.pending];
      return;
    }
    const group: TurnGroup = {
      start: index,
      end: index + 1,
      messages: [message],
      role: message?.role,
      pendingToolCallIds: [],
    };
    groups.push(group);
    const calls = message?.role === 'assistant' ? (message.tool_calls ?? []) : [];
    // Results must sit right after their call: anything else closes the open group.
    open = undefined;
    if (calls.length > 0) {
      const pending = new Set(calls.map((c) => c.id));
      group.pendingToolCallIds = [...pending];
      open = { group, pending };
    }
  });
  return groups;
}
