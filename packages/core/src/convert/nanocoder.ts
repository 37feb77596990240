import { messageText, objectToToolArguments, toolArgumentsToObject } from '../content.js';
import { assertMessage } from '../message-check.js';
import type { Message, MessageImage, Role } from '../types.js';

/**
 * Nanocoder's message shape (`@nanocollective/nanocoder` `dist/types/core.d.ts`):
 * string content, tool-call arguments as a parsed object, base64 `images[]`.
 */
export interface NanocoderMessage {
  role: Role;
  content: string;
  tool_calls?: { id: string; function: { name: string; arguments: Record<string, unknown> } }[];
  tool_call_id?: string;
  name?: string;
  reasoning?: string;
  structuredContent?: unknown;
  images?: { data: string; mediaType: string; source?: string }[];
}

/**
 * Converts ctxkit messages to Nanocoder's: content parts are flattened to text
 * (image parts with data move to `images[]`; a URL image, which Nanocoder cannot
 * carry, becomes a `[image: url]` line so nothing is silently lost), and string
 * arguments are parsed to objects.
 * @throws {CtxkitError} `INVALID_MESSAGE` for a malformed message.
 * @param messages - ctxkit messages, in conversation order.
 * @returns one Nanocoder message per input message.
 */
export function toNanocoder(messages: readonly Message[]): NanocoderMessage[] {
  return messages.map((m, i) => {
    assertMessage(m, i);
    const images: NonNullable<NanocoderMessage['images']> = [...(m.images ?? [])].map((img) => ({
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
 * Converts Nanocoder messages to ctxkit messages. Arguments are serialized to
 * JSON strings (the wire form); `structuredContent` is kept in `metadata`.
 * @param messages - Nanocoder messages, in conversation order.
 */
export function fromNanocoder(messages: readonly NanocoderMessage[]): Message[] {
  return messages.map((m, i) => {
    const out: Message = {
      role: m.role,
      content: typeof m.content === 'string' ? m.content : messageText(m as Message),
    };
    if (m.tool_calls && m.tool_calls.length > 0) {
      out.tool_calls = m.tool_calls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.function.name, arguments: objectToToolArguments(c.function.arguments ?? {}) },
      }));
    }
    if (m.tool_call_id !== undefined) out.tool_call_id = m.tool_call_id;
    if (m.name !== undefined) out.name = m.name;
    if (m.reasoning !== undefined) out.reasoning = m.reasoning;
    const images: unknown = m.images;
    if (Array.isArray(images)) {
      // Malformed entries are kept as they are, for assertMessage to name them.
      const copied = images.map((img: unknown) =>
        img !== null && typeof img === 'object'
          ? { data: (img as MessageImage).data, mediaType: (img as MessageImage).mediaType }
          : img,
      );
      if (copied.length > 0) out.images = copied as MessageImage[];
    } else if (images !== undefined) out.images = images as MessageImage[];
    if (m.structuredContent !== undefined) out.metadata = { structuredContent: m.structuredContent };
    assertMessage(out, i);
    return out;
  });
}
