import { messageText, objectToToolArguments, toolArgumentsToObject } from '../content.js';
import { assertMessage } from '../message-check.js';
import type { Message, MessageImage, Role } from '../types.js';
import { ROLES } from '../types.js';

/** A JSON value, as Nanocoder's `structuredContent` (the AI SDK's `JSONValue`). */
export type NanocoderJsonValue =
  | null
  | string
  | number
  | boolean
  | { [key: string]: NanocoderJsonValue | undefined }
  | NanocoderJsonValue[];

/** Nanocoder's `ToolCall`: arguments are a parsed object, not a JSON string. */
export interface NanocoderToolCall {
  id: string;
  function: { name: string; arguments: Record<string, unknown> };
}

/**
 * Nanocoder's `ImageAttachment`: base64 data. Nanocoder sends each one of a user
 * message to the provider as an image part after the text.
 */
export interface NanocoderImage {
  data: string;
  mediaType: string;
  source?: string;
}

/**
 * Nanocoder's `Message` (`@nanocollective/nanocoder` 1.30 `dist/types/core.d.ts`):
 * string content, tool-call arguments as a parsed object, base64 `images[]`.
 */
export interface NanocoderMessage {
  role: Role;
  content: string;
  tool_calls?: NanocoderToolCall[];
  tool_call_id?: string;
  name?: string;
  reasoning?: string;
  structuredContent?: NanocoderJsonValue;
  images?: NanocoderImage[];
}

/** Options of {@link fromNanocoder}. */
export interface FromNanocoderOptions {
  /**
   * Read every message the way Nanocoder's own counters do, never throwing: a
   * missing `content` is `''`, content that is not a string is printed, an
   * unknown role is `assistant`, and tool-call arguments stay the objects
   * Nanocoder sends (so a count is of what the provider receives). For code
   * running inside Nanocoder's render loop, where a throw would take the UI down.
   * @default false
   */
  lenient?: boolean;
}

/**
 * Converts ctxkit messages to Nanocoder's: content parts are flattened to text,
 * an image part with data moves to `images[]` (where Nanocoder sends images
 * from), a URL image, which Nanocoder cannot carry, becomes a `[image: url]`
 * line so nothing is silently lost, and string arguments are parsed to objects.
 * @throws {CtxkitError} `INVALID_MESSAGE` for a malformed message.
 * @param messages - ctxkit messages, in conversation order.
 * @returns one Nanocoder message per input message.
 * @example
 * ```ts
 * toNanocoder([{ role: 'user', content: [
 *   { type: 'text', text: 'what is this?' },
 *   { type: 'image', mediaType: 'image/png', data: 'iVBOR' },
 * ] }]); // → [{ role: 'user', content: 'what is this?', images: [{ data: 'iVBOR', mediaType: 'image/png' }] }]
 * ```
 */
export function toNanocoder(messages: readonly Message[]): NanocoderMessage[] {
  return messages.map((m, i) => {
    assertMessage(m, i);
    const images: NanocoderImage[] = [...(m.images ?? [])].map((img) => ({
      data: img.data,
      mediaType: img.mediaType,
    }));
    let content: string;
    if (typeof m.content === 'string') content = m.content;
    else {
      const lines: string[] = [];
      for (const p of m.content) {
        if (p.type === 'text') lines.push(p.text);
        else if (p.data !== undefined) images.push({ data: p.data, mediaType: p.mediaType });
        else lines.push(`[image: ${p.url}]`);
      }
      content = lines.join('\n');
    }
    const out: NanocoderMessage = { role: m.role, content };
    if (m.tool_calls && m.tool_calls.length > 0) {
      out.tool_calls = m.tool_calls.map((c) => ({
        id: c.id,
        function: { name: c.function.name, arguments: toolArgumentsToObject(c.function.arguments) },
      }));
    }
    if (m.tool_call_id !== undefined) out.tool_call_id = m.tool_call_id;
    if (m.name !== undefined) out.name = m.name;
    if (m.reasoning !== undefined) out.reasoning = m.reasoning;
    if (images.length > 0) out.images = images;
    return out;
  });
}

/**
 * Any content value as text without throwing: `String()` fails on objects whose
 * `toString` is not callable (`{ toString: '' }`); JSON keeps their data instead.
 */
function lenientText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value == null) return '';
  try {
    return String(value);
  } catch {
    try {
      return JSON.stringify(value) ?? '';
    } catch {
      return ''; // circular and unprintable: counted as empty rather than crashing the render loop
    }
  }
}

/**
 * Converts Nanocoder messages to ctxkit messages. Arguments are serialized to
 * JSON strings (the wire form); `structuredContent` is kept in `metadata`.
 * @throws {CtxkitError} `INVALID_MESSAGE` for a malformed message, unless `options.lenient`.
 * @param messages - Nanocoder messages, in conversation order.
 * @param options - see {@link FromNanocoderOptions}.
 */
export function fromNanocoder(
  messages: readonly NanocoderMessage[],
  options: FromNanocoderOptions = {},
): Message[] {
  const lenient = options.lenient === true;
  return messages.map((m, i) => {
    const out: Message = lenient
      ? { role: ROLES.includes(m.role) ? m.role : 'assistant', content: lenientText(m.content) }
      : {
          role: m.role,
          // Anything but a string or parts is kept as it is, for assertMessage to name.
          content: Array.isArray(m.content) ? messageText(m as Message) : m.content,
        };
    if (m.tool_calls && m.tool_calls.length > 0) {
      out.tool_calls = m.tool_calls.map((c) => ({
        id: c.id,
        type: 'function',
        function: lenient
          ? { name: c.function?.name ?? '', arguments: c.function?.arguments ?? {} }
          : { name: c.function.name, arguments: objectToToolArguments(c.function.arguments ?? {}) },
      }));
    }
    if (m.tool_call_id !== undefined) out.tool_call_id = m.tool_call_id;
    if (m.name !== undefined) out.name = m.name;
    if (m.reasoning !== undefined) out.reasoning = m.reasoning;
    const images: unknown = m.images;
    if (lenient) {
      // Only what can be an image is counted as one; the caller keeps the original message.
      const kept = Array.isArray(images)
        ? images.filter((img: unknown): img is MessageImage => img !== null && typeof img === 'object')
        : [];
      if (kept.length > 0) out.images = kept.map((img) => ({ data: img.data, mediaType: img.mediaType }));
    } else if (Array.isArray(images)) {
      // Malformed entries are kept as they are, for assertMessage to name them.
      const copied = images.map((img: unknown) =>
        img !== null && typeof img === 'object'
          ? { data: (img as MessageImage).data, mediaType: (img as MessageImage).mediaType }
          : img,
      );
      if (copied.length > 0) out.images = copied as MessageImage[];
    } else if (images !== undefined) out.images = images as MessageImage[];
    if (m.structuredContent !== undefined) out.metadata = { structuredContent: m.structuredContent };
    if (!lenient) assertMessage(out, i);
    return out;
  });
}
