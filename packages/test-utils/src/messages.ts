// Message factories for the suites. They return plain literal objects of the shape `@ctxkit/core`'s
// `Message` has (assignable to it), so this package needs no workspace dependency.

/** A tool call, as an assistant message carries it. */
export interface TestToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string | Record<string, unknown> };
}

/** A text part of a message's content. */
export interface TestTextPart {
  type: 'text';
  text: string;
}

/** The message fields the suites build (a subset of `@ctxkit/core`'s `Message`). */
export interface TestMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | TestTextPart[];
  tool_calls?: TestToolCall[];
  tool_call_id?: string;
  id?: string;
  pinned?: boolean;
  name?: string;
  reasoning?: string;
  metadata?: Record<string, unknown>;
}

/** Fields added to a built message (`id`, `pinned`, …). */
export type MessageExtras = Partial<Omit<TestMessage, 'role' | 'content' | 'tool_calls' | 'tool_call_id'>>;

/**
 * A tool call `{ id, type: 'function', function: { name, arguments } }`.
 * @param id - the call id its result answers.
 * @param name - the tool's name. @default 'f'
 * @param args - the arguments, a JSON string or an object. @default '{}'
 */
export function toolCall(
  id: string,
  name = 'f',
  args: string | Record<string, unknown> = '{}',
): TestToolCall {
  return { id, type: 'function', function: { name, arguments: args } };
}

/**
 * A system message.
 * @example systemMessage('You are terse.', { id: 's' })
 */
export function systemMessage(content: string | TestTextPart[], extras: MessageExtras = {}): TestMessage {
  return { role: 'system', content, ...extras };
}

/** A user message. */
export function userMessage(content: string | TestTextPart[], extras: MessageExtras = {}): TestMessage {
  return { role: 'user', content, ...extras };
}

/** An assistant message without tool calls. */
export function assistantMessage(content: string | TestTextPart[], extras: MessageExtras = {}): TestMessage {
  return { role: 'assistant', content, ...extras };
}

/** Options of {@link callMessage}. */
export interface CallMessageOptions extends MessageExtras {
  /** The assistant's text beside the calls. @default '' */
  content?: string | TestTextPart[];
  /** Tool name of the calls given by id. @default 'f' */
  name?: string;
  /** Arguments of the calls given by id. @default '{}' */
  arguments?: string | Record<string, unknown>;
}

/**
 * An assistant message making tool calls (parallel calls when several).
 * @param calls - call ids (each calling `options.name` with `options.arguments`) or whole calls.
 * @example callMessage(['a', 'b'], { name: 'read_file', arguments: { path: 'x.ts' } })
 */
export function callMessage(
  calls: readonly (string | TestToolCall)[],
  options: CallMessageOptions = {},
): TestMessage {
  const { content = '', name, arguments: args, ...extras } = options;
  return {
    role: 'assistant',
    content,
    tool_calls: calls.map((c) => (typeof c === 'string' ? toolCall(c, name, args) : c)),
    ...extras,
  };
}

/**
 * A tool message answering the call `callId`.
 * @param content - the tool's output. @default 'ok'
 */
export function toolResult(
  callId: string,
  content: string | TestTextPart[] = 'ok',
  extras: MessageExtras = {},
): TestMessage {
  return { role: 'tool', tool_call_id: callId, content, ...extras };
}
