import { CtxkitError } from './errors.js';
import type { ContentPart, ImagePart, Message, ToolCall } from './types.js';

/**
 * The text of a message's content: a string as is, or the text parts joined
 * with newlines (image parts contribute nothing).
 * @param message - any message (only its `content` is read).
 */
export function messageText(message: Pick<Message, 'content'>): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  let out = '';
  for (const part of content) {
    if (part.type === 'text') out = out.length === 0 ? part.text : `${out}\n${part.text}`;
  }
  return out;
}

/**
 * The image parts of a message: content image parts plus Nanocoder-style `images[]`.
 * @param message - the message to read.
 */
export function messageImages(message: Message): ImagePart[] {
  const out: ImagePart[] = [];
  if (Array.isArray(message.content)) {
    for (const part of message.content) if (part.type === 'image') out.push(part);
  }
  for (const img of message.images ?? []) {
    out.push({
      type: 'image',
      mediaType: img.mediaType,
      data: img.data,
      width: img.width,
      height: img.height,
    });
  }
  return out;
}

/**
 * A tool call's arguments as the JSON string a provider receives. Objects are
 * serialized compactly; a circular object is a typed error, not a crash.
 * @param args - a tool call's arguments, a JSON string or an object.
 */
export function toolArgumentsToString(args: ToolCall['function']['arguments']): string {
  if (typeof args === 'string') return args;
  try {
    return JSON.stringify(args) ?? '';
  } catch (cause) {
    throw new CtxkitError('INVALID_MESSAGE', 'Tool-call arguments cannot be serialized to JSON', undefined, {
      cause,
    });
  }
}

/**
 * All the text a request shows a model: each message's content (as {@link messageText}) plus
 * the value of every tool-call argument — a string as is, anything else as JSON — one per line.
 * What a fact must appear in to count as "still visible" after compaction.
 * @param messages - the request's messages, in order.
 * @example
 * ```ts
 * visibleText([{ role: 'assistant', content: 'Reading.', tool_calls: [
 *   { id: 'c1', type: 'function', function: { name: 'read_file', arguments: '{"path":"src/a.ts"}' } },
 * ] }]); // → 'Reading.\nsrc/a.ts'
 * ```
 */
export function visibleText(messages: readonly Message[]): string {
  const out: string[] = [];
  for (const m of messages) {
    out.push(messageText(m));
    for (const c of m.tool_calls ?? []) {
      for (const v of Object.values(toolArgumentsToObject(c.function.arguments))) {
        out.push(typeof v === 'string' ? v : JSON.stringify(v));
      }
    }
  }
  return out.join('\n');
}

/** Key under which unparseable string arguments are kept when an object is required. */
export const RAW_ARGUMENTS_KEY = '__raw_arguments';

/**
 * A tool call's arguments as an object (Nanocoder's and Anthropic's shape).
 * A string that is not a JSON object is kept whole under {@link RAW_ARGUMENTS_KEY}
 * so nothing is lost and {@link toolArgumentsToString} can restore it.
 * @param args - a tool call's arguments, a JSON string or an object.
 */
export function toolArgumentsToObject(args: ToolCall['function']['arguments']): Record<string, unknown> {
  if (typeof args !== 'string') return args;
  try {
    const parsed: unknown = JSON.parse(args);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // not JSON: fall through and keep the raw text
  }
  return { [RAW_ARGUMENTS_KEY]: args };
}

/**
 * Inverse of {@link toolArgumentsToObject}: restores a raw string kept under {@link RAW_ARGUMENTS_KEY}.
 * @param obj - arguments as {@link toolArgumentsToObject} returned them.
 */
export function objectToToolArguments(obj: Record<string, unknown>): string {
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === RAW_ARGUMENTS_KEY && typeof obj[RAW_ARGUMENTS_KEY] === 'string') {
    return obj[RAW_ARGUMENTS_KEY] as string;
  }
  return toolArgumentsToString(obj);
}

/**
 * Whether a value is a well-formed content part.
 * @param value - any value.
 */
export function isContentPart(value: unknown): value is ContentPart {
  if (value === null || typeof value !== 'object') return false;
  const part = value as Record<string, unknown>;
  if (part.type === 'text') return typeof part.text === 'string';
  if (part.type === 'image') {
    return (
      typeof part.mediaType === 'string' &&
      (typeof part.data === 'string' || typeof part.url === 'string') &&
      imageSizeDefect(part) === undefined
    );
  }
  return false;
}

/** Why an image's `width`/`height` cannot be used (they size its token cost), or `undefined`. @internal */
export function imageSizeDefect(image: Record<string, unknown>): string | undefined {
  for (const side of ['width', 'height'] as const) {
    const v = image[side];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) {
      return `${side} ${typeof v === 'number' ? v : `of type ${v === null ? 'null' : typeof v}`} is not a positive number`;
    }
  }
  return undefined;
}
