import {
  type AnyToolDefinition,
  CtxkitError,
  type Message,
  messageText,
  normalizeToolDefinition,
  toolArgumentsToString,
} from '@ctxkit/core';
import type { CategoryBreakdown, ToolUsage } from './types.js';

/** Counts the tokens of a text; inject any tokenizer's `countTokens` (the tracker depends on none). */
export type CountText = (text: string) => number;

/** An estimated prompt breakdown plus the result tokens of each tool found in the messages. */
export interface EstimatedBreakdown {
  breakdown: CategoryBreakdown;
  total: number;
  /** Tool results in the messages, by tool name (matched through `tool_call_id`). */
  toolResults: Record<string, ToolUsage>;
}

function checked(count: CountText, text: string): number {
  if (text.length === 0) return 0;
  const n = count(text);
  if (!Number.isFinite(n) || n < 0) {
    throw new CtxkitError('INVALID_ARGUMENT', 'the injected count function returned an invalid count', {
      value: String(n),
    });
  }
  return Math.round(n);
}

/**
 * Splits a prompt into nanocoder's categories (system, user, assistant, tool definitions, tool results)
 * with an injected count function. Assistant messages include their tool-call names and arguments
 * (nanocoder's own counter misses them) and reasoning.
 *
 * @param messages - the prompt's messages; a tool result is filed under the name of the call it answers
 *   (else its own `name`, else `unknown`)
 * @param count - counts the tokens of one text; must return a finite, non-negative number (rounded),
 *   else a `CtxkitError` `INVALID_ARGUMENT` is thrown; not called for empty texts
 * @param tools - the tool definitions sent with the prompt, each counted as its name, description and
 *   JSON parameters; none by default
 */
export function estimateBreakdown(
  messages: readonly Message[],
  count: CountText,
  tools: readonly AnyToolDefinition[] = [],
): EstimatedBreakdown {
  const breakdown: CategoryBreakdown = {
    system: 0,
    user: 0,
    assistant: 0,
    toolDefinitions: 0,
    toolResults: 0,
  };
  const callNames = new Map<string, string>();
  const toolResults: Record<string, ToolUsage> = {};
  for (const message of messages) {
    const text = messageText(message);
    switch (message.role) {
      case 'system':
        breakdown.system += checked(count, text);
        break;
      case 'user':
        breakdown.user += checked(count, text);
        break;
      case 'assistant': {
        let n = checked(count, text) + checked(count, message.reasoning ?? '');
        for (const call of message.tool_calls ?? []) {
          callNames.set(call.id, call.function.name);
          n +=
            checked(count, call.function.name) +
            checked(count, toolArgumentsToString(call.function.arguments));
        }
        breakdown.assistant += n;
        break;
      }
      case 'tool': {
        const n = checked(count, text);
        breakdown.toolResults += n;
        const name =
          (message.tool_call_id && callNames.get(message.tool_call_id)) ?? message.name ?? 'unknown';
        if (!toolResults[name]) toolResults[name] = { count: 0, resultTokens: 0 };
        const entry = toolResults[name];
        entry.count++;
        entry.resultTokens += n;
        break;
      }
    }
  }
  for (const [index, definition] of tools.entries()) {
    const tool = normalizeToolDefinition(definition, index);
    breakdown.toolDefinitions += checked(
      count,
      `${tool.name}\n${tool.description ?? ''}\n${JSON.stringify(tool.parameters ?? {})}`,
    );
  }
  const total =
    breakdown.system +
    breakdown.user +
    breakdown.assistant +
    breakdown.toolDefinitions +
    breakdown.toolResults;
  return { breakdown, total, toolResults };
}
