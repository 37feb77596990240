import {
  type AnyToolDefinition,
  assertMessage,
  type CountMessagesOptions,
  CtxkitError,
  type Message,
  messageImages,
  normalizeToolDefinition,
  toolArgumentsToString,
  toolSchemaText,
} from '@ctxkit/core';
import type { Framing } from './framing.js';
import { imageTokens } from './images.js';

/** Counts plain text; the vocabulary-specific part of message counting. */
export type TextCounter = (text: string) => number;

/**
 * Tokens one message costs: framing, role, text parts, images, name, tool calls (name
 * AND arguments, object or string), tool-result wrapping and reasoning.
 * @throws {CtxkitError} `INVALID_MESSAGE` for malformed messages or unserializable arguments.
 */
export function countMessageWith(count: TextCounter, framing: Framing, message: Message): number {
  assertMessage(message);
  let n = framing.perMessage;
  if (framing.roleTokens) n += count(message.role);
  const { content } = message;
  if (typeof content === 'string') n += count(content);
  else for (const part of content) if (part.type === 'text') n += count(part.text);
  for (const image of messageImages(message)) n += imageTokens(image, framing.images);
  if (typeof message.name === 'string' && message.name.length > 0 && message.role !== 'tool') {
    n += framing.perName + count(message.name);
  }
  if (message.tool_calls) {
    for (const call of message.tool_calls) {
      n +=
        framing.perToolCall +
        count(call.function.name) +
        count(toolArgumentsToString(call.function.arguments));
    }
  }
  if (message.role === 'tool') n += framing.perToolResult;
  if (typeof message.reasoning === 'string' && message.reasoning.length > 0) {
    n += framing.perReasoning + count(message.reasoning);
  }
  return n;
}

/**
 * Tokens one tool definition costs: name + description + JSON schema + framing. The flat, OpenAI and
 * Anthropic shapes of one tool cost the same (see `normalizeToolDefinition`).
 * @throws {CtxkitError} `INVALID_ARGUMENT` for a definition without a name or with a circular schema.
 */
export function countToolDefinitionWith(
  count: TextCounter,
  framing: Framing,
  definition: AnyToolDefinition,
  index = 0,
): number {
  const tool = normalizeToolDefinition(definition, index);
  return (
    framing.perToolDefinition +
    count(tool.name) +
    count(tool.description ?? '') +
    count(toolSchemaText(tool, index))
  );
}

/**
 * Tokens a whole request costs: every message, tool definitions, the once-per-request
 * tokens and the reply priming.
 * @throws {CtxkitError} `INVALID_ARGUMENT` when `messages` is not an array, `INVALID_MESSAGE` with the index of a bad message.
 */
export function countMessagesWith(
  count: TextCounter,
  framing: Framing,
  messages: readonly Message[],
  options?: CountMessagesOptions,
): number {
  if (!Array.isArray(messages)) {
    throw new CtxkitError('INVALID_ARGUMENT', 'countMessages expects an array of messages', {
      received: messages === null ? 'null' : typeof messages,
    });
  }
  let n = framing.perRequest + framing.replyPriming;
  for (let i = 0; i < messages.length; i++) {
    assertMessage(messages[i], i);
    n += countMessageWith(count, framing, messages[i] as Message);
  }
  const tools = options?.tools;
  if (tools !== undefined && tools !== null) {
    if (!Array.isArray(tools)) throw new CtxkitError('INVALID_ARGUMENT', 'options.tools must be an array');
    if (tools.length > 0) n += framing.toolsPreamble;
    tools.forEach((tool, i) => {
      n += countToolDefinitionWith(count, framing, tool, i);
    });
  }
  return n;
}
