import {
  type AnyToolDefinition,
  CtxkitError,
  type Message,
  messageText,
  normalizeToolDefinition,
  tokenBreakdown,
  toolArgumentsToString,
  toolSchemaText,
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
 * with an injected count function, filing messages as `@ctxkit/core`'s `tokenBreakdown` does (a role
 * it does not know counts as assistant). Assistant messages include their tool-call names and
 * arguments (nanocoder's own counter misses them) and reasoning.
 *
 * @param messages - the prompt's messages; a tool result is filed under the name of the call it answers
 *   (else its own `name`, else `unknown`)
 * @param count - counts the tokens of one text; must return a finite, non-negative number (rounded),
 *   else a `CtxkitError` `INVALID_ARGUMENT` is thrown; not called for empty texts
 * @param tools - the tool definitions sent with the prompt, each counted as its name, description and
 *   JSON parameters (nothing for a tool without parameters); none by default
 * @throws {CtxkitError} `INVALID_ARGUMENT` for a bad count, a tool without a name or a schema that
 *   cannot be serialized.
 */
export function estimateBreakdown(
  messages: readonly Message[],
  count: CountText,
  tools: readonly AnyToolDefinition[] = [],
): EstimatedBreakdown {
  const callNames = new Map<string, string>();
  const toolResults: Record<string, ToolUsage> = {};
  const cost = (message: Message): number => {
    // Only assistants carry calls and reasoning in a valid conversation; a message of another role
    // that does is still counted in full.
    let n = checked(count, messageText(message)) + checked(count, message.reasoning ?? '');
    for (const call of message.tool_calls ?? []) {
      callNames.set(call.id, call.function.name);
      n +=
        checked(count, call.function.name) + checked(count, toolArgumentsToString(call.function.arguments));
    }
    if (message.role === 'tool') {
      const name = (message.tool_call_id && callNames.get(message.tool_call_id)) ?? message.name ?? 'unknown';
      if (!toolResults[name]) toolResults[name] = { count: 0, resultTokens: 0 };
      const entry = toolResults[name];
      entry.count++;
      entry.resultTokens += n;
    }
    return n;
  };
  // Messages in order, so a result finds the name of the call it answers.
  const b = tokenBreakdown(messages, cost);
  let toolDefinitions = 0;
  for (const [index, definition] of tools.entries()) {
    const tool = normalizeToolDefinition(definition, index);
    // Name, description and schema, with the newlines between them: a bare text count has no
    // per-tool framing to stand for the separators.
    toolDefinitions += checked(
      count,
      `${tool.name}\n${tool.description ?? ''}\n${toolSchemaText(tool, index)}`,
    );
  }
  const breakdown: CategoryBreakdown = {
    system: b.system,
    user: b.userMessages,
    assistant: b.assistantMessages,
    toolDefinitions,
    toolResults: b.toolResults,
  };
  return { breakdown, total: b.total + toolDefinitions, toolResults };
}
