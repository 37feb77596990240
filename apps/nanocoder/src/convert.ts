import { type Message, toolArgumentsToObject } from '@ctxkit/core';
import type { NanocoderMessage } from './types.js';

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

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
 * Nanocoder message → ctxkit message, leniently: Nanocoder's own counters
 * treat a missing `content` as `''`, so this does too rather than throwing in
 * the middle of its render loop. Tool-call arguments stay parsed objects (ctxkit
 * accepts both forms); `structuredContent` rides along in `metadata`.
 *
 * @param m - the Nanocoder message; an unknown role becomes `assistant`
 */
export function toCtxkit(m: NanocoderMessage): Message {
  const out: Message = {
    role: ROLES.has(m.role) ? m.role : 'assistant',
    content: lenientText(m.content),
  };
  if (m.tool_calls && m.tool_calls.length > 0) {
    out.tool_calls = m.tool_calls.map((c) => ({
      id: c.id,
      type: 'function' as const,
      function: { name: c.function?.name ?? '', arguments: c.function?.arguments ?? {} },
    }));
  }
  if (m.tool_call_id !== undefined) out.tool_call_id = m.tool_call_id;
  if (m.name !== undefined) out.name = m.name;
  if (m.reasoning !== undefined) out.reasoning = m.reasoning;
  if (m.images && m.images.length > 0) {
    out.images = m.images.map((i) => ({ data: i.data, mediaType: i.mediaType }));
  }
  if (m.structuredContent !== undefined) out.metadata = { structuredContent: m.structuredContent };
  return out;
}

/**
 * ctxkit message → Nanocoder message. A message ctxkit kept verbatim maps back
 * to the very object Nanocoder handed in (`originals`), so nothing Nanocoder
 * attached to it is lost; a new one (a summary) is converted.
 *
 * @param m - the ctxkit message; array content is flattened to text (an image becomes
 *   `[image: url]`)
 * @param originals - the Nanocoder message each ctxkit message was converted from, when known
 */
export function toNanocoderMessage(
  m: Message,
  originals?: ReadonlyMap<Message, NanocoderMessage>,
): NanocoderMessage {
  const original = originals?.get(m);
  if (original !== undefined) return original;
  const content =
    typeof m.content === 'string'
      ? m.content
      : m.content.map((p) => (p.type === 'text' ? p.text : p.url ? `[image: ${p.url}]` : '')).join('\n');
  const out: NanocoderMessage = { role: m.role, content };
  if (m.tool_calls && m.tool_calls.length > 0) {
    out.tool_calls = m.tool_calls.map((c) => ({
      id: c.id,
      function: {
        name: c.function.name,
        arguments: toolArgumentsToObject(c.function.arguments),
      },
    }));
  }
  if (m.tool_call_id !== undefined) out.tool_call_id = m.tool_call_id;
  if (m.name !== undefined) out.name = m.name;
  if (m.reasoning !== undefined) out.reasoning = m.reasoning;
  if (m.images && m.images.length > 0)
    out.images = m.images.map((i) => ({ data: i.data, mediaType: i.mediaType }));
  return out;
}
