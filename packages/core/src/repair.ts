import { assertMessage } from './message-check.js';
import type { Message } from './types.js';

/** Content of the result {@link repairConversation} adds for an unanswered tool call. */
export const SYNTHETIC_TOOL_RESULT =
  '[ctxkit] No result was recorded for this tool call (it was interrupted or lost).';

/** Content of the user message {@link repairConversation} inserts when the conversation does not start with one. */
export const SYNTHETIC_USER_MESSAGE = '[ctxkit] (earlier conversation omitted)';

/** What {@link repairConversation} changed, one entry per change. */
export interface RepairChange {
  kind:
    | 'synthetic_result_added'
    | 'orphan_result_dropped'
    | 'duplicate_result_dropped'
    | 'duplicate_call_renamed'
    | 'result_moved'
    | 'user_message_inserted';
  /** Index in the input (for the inserted user message: its index in the output). */
  index: number;
  toolCallId?: string;
  /** For `duplicate_call_renamed`: the new id. */
  newId?: string;
}

/** The repaired conversation and the list of changes made. */
export interface RepairResult {
  messages: Message[];
  changes: RepairChange[];
}

/** Options for {@link repairConversation}. */
export interface RepairOptions {
  /**
   * Leave the last assistant message's calls unanswered when only tool results follow it (a live loop).
   * @default false
   */
  allowPendingCalls?: boolean;
}

/**
 * Deterministically repairs a conversation so that {@link validateConversation}
 * accepts it, changing as little as possible:
 * - an unanswered tool call gets a fixed synthetic result ({@link SYNTHETIC_TOOL_RESULT});
 * - a result with no earlier call (orphan, or before its call) is dropped, as is a second result for one call;
 * - a call id reused by a later call is renamed `id~2`, `id~3`… and later results follow the newest call;
 * - results separated from their call are moved to directly after it;
 * - a conversation whose first non-system message is not the user's gets {@link SYNTHETIC_USER_MESSAGE} first.
 *
 * A valid conversation comes back unchanged (same message objects, no changes).
 *
 * @throws {CtxkitError} `INVALID_MESSAGE` when a message is malformed (unknown role, invalid content): that is
 * bad input to fix at its source, not something to guess about.
 * @param messages - the conversation to repair; it is not modified.
 * @param options - see {@link RepairOptions}.
 * @returns the repaired messages and one {@link RepairChange} per change made.
 */
export function repairConversation(messages: readonly Message[], options: RepairOptions = {}): RepairResult {
  for (const [i, m] of messages.entries()) assertMessage(m, i);
  const changes: RepairChange[] = [];

  // 1. Effective ids: rename reused call ids; map each result to the newest earlier call with its id.
  const usedIds = new Set<string>();
  const newestCall = new Map<string, string>(); // original id -> effective id of the newest call so far
  const working: Message[] = messages.map((m, i) => {
    if (!m.tool_calls || m.tool_calls.length === 0) return m;
    let renamed = false;
    const calls = m.tool_calls.map((call) => {
      let id = call.id;
      if (usedIds.has(id)) {
        let n = 2;
        while (usedIds.has(`${call.id}~${n}`)) n++;
        id = `${call.id}~${n}`;
        changes.push({ kind: 'duplicate_call_renamed', index: i, toolCallId: call.id, newId: id });
        renamed = true;
      }
      usedIds.add(id);
      newestCall.set(call.id, id);
      return id === call.id ? call : { ...call, id };
    });
    return renamed ? { ...m, tool_calls: calls } : m;
  });

  // Resolve every result to its effective call id, in input order.
  newestCall.clear();
  const resultFor = new Map<string, number>(); // effective id -> index of its (first) result
  const resultTarget = new Map<number, string>(); // result index -> effective id
  working.forEach((m, i) => {
    if (m.role === 'assistant' && m.tool_calls) {
      for (const [k, orig] of messages[i]!.tool_calls!.entries())
        newestCall.set(orig.id, m.tool_calls[k]!.id);
      return;
    }
    if (m.role !== 'tool') return;
    const target = newestCall.get(m.tool_call_id as string);
    if (target === undefined) {
      changes.push({ kind: 'orphan_result_dropped', index: i, toolCallId: m.tool_call_id });
    } else if (resultFor.has(target)) {
      changes.push({ kind: 'duplicate_result_dropped', index: i, toolCallId: m.tool_call_id });
    } else {
      resultFor.set(target, i);
      resultTarget.set(i, target);
    }
  });

  // 2. Emit: each non-tool message, then directly after an assistant turn its results (in input order) and
  // synthetic results for calls nobody answered.
  let lastAssistant = -1;
  working.forEach((m, i) => {
    if (m.role === 'assistant') lastAssistant = i;
  });
  const pendingAllowed =
    options.allowPendingCalls === true &&
    lastAssistant >= 0 &&
    working.slice(lastAssistant + 1).every((m) => m.role === 'tool');
  const out: Message[] = [];
  working.forEach((m, i) => {
    if (m.role === 'tool') return;
    out.push(m);
    if (!m.tool_calls || m.tool_calls.length === 0) return;
    const ids = m.tool_calls.map((c) => c.id);
    const found = ids
      .map((id) => resultFor.get(id))
      .filter((r): r is number => r !== undefined)
      .sort((a, b) => a - b);
    for (const r of found) {
      const between = working.slice(i + 1, r).some((x) => x.role !== 'tool');
      if (between) changes.push({ kind: 'result_moved', index: r, toolCallId: working[r]!.tool_call_id });
      const target = resultTarget.get(r)!;
      const result = working[r]!;
      out.push(result.tool_call_id === target ? result : { ...result, tool_call_id: target });
    }
    if (pendingAllowed && i === lastAssistant) return;
    for (const id of ids) {
      if (resultFor.has(id)) continue;
      changes.push({ kind: 'synthetic_result_added', index: i, toolCallId: id });
      out.push({ role: 'tool', tool_call_id: id, content: SYNTHETIC_TOOL_RESULT });
    }
  });

  // 3. The first non-system message must be the user's.
  const first = out.findIndex((m) => m.role !== 'system');
  if (first >= 0 && out[first]!.role !== 'user') {
    out.splice(first, 0, { role: 'user', content: SYNTHETIC_USER_MESSAGE });
    changes.push({ kind: 'user_message_inserted', index: first });
  }
  return { messages: out, changes };
}
