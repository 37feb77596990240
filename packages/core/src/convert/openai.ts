import { toolArgumentsToString } from '../content.js';
import { CtxkitError } from '../errors.js';
import { assertMessage } from '../message-check.js';
import type { ContentPart, Message, Role } from '../types.js';

/** A content part in OpenAI's chat-completions wire format. */
export type OpenAIContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'low' | 'high' | 'auto' } };

/** A message in OpenAI's chat-completions wire format (tool-call arguments are JSON strings). */
export interface OpenAIChatMessage {
  role: Role;
  content: string | OpenAIContentPart[] | null;
  name?: string;
  tool_call_id?: string;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
  /** Sent back by OpenAI-compatible servers that accept reasoning (DeepSeek, vLLM, Ollama). */
  reasoning_content?: string;
}

function imageUrl(part: Extract<ContentPart, { type: 'image' }>): string {
  return part.url ?? `data:${part.mediaType};base64,${part.data ?? ''}`;
}

/**
 * Converts ctxkit messages to OpenAI chat messages. Nanocoder-style `images[]`
 * become `image_url` parts; object arguments are serialized; ctxkit-only fields
 * (`id`, `pinned`, `metadata`) are not sent.
 * @throws {CtxkitError} `INVALID_MESSAGE` for a malformed message.
 * @param messages - ctxkit messages, in conversation order.
 * @returns one OpenAI chat message per input message.
 */
export function toOpenAIChat(messages: readonly Message[]): OpenAIChatMessage[] {
  return messages.map((m, i) => {
    assertMessage(m, i);
    const out: OpenAIChatMessage = { role: m.role, content: null };
    const images = m.images ?? [];
    if (typeof m.content === 'string' && images.length === 0) {
      out.content = m.content;
    } else {
      const parts: OpenAIContentPart[] = [];
      const content: ContentPart[] =
        typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
      for (const p of content) {
        if (p.type === 'text') parts.push({ type: 'text', text: p.text });
        else
          parts.push({
            type: 'image_url',
            image_url: { url: imageUrl(p), ...(p.detail ? { detail: p.detail } : {}) },
          });
      }
      for (const img of images) {
        parts.push({ type: 'image_url', image_url: { url: `data:${img.mediaType};base64,${img.data}` } });
      }
      out.content = parts;
    }
    if (m.name !== undefined) out.name = m.name;
    if (m.tool_call_id !== undefined) out.tool_call_id = m.tool_call_id;
    if (m.tool_calls && m.tool_calls.length > 0) {
      out.tool_calls = m.tool_calls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.function.name, arguments: toolArgumentsToString(c.function.arguments) },
      }));
    }
    if (m.reasoning !== undefined) out.reasoning_content = m.reasoning;
    return out;
  });
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/**
 * Converts OpenAI chat messages to ctxkit messages. `null` content becomes `''`;
 * `image_url` parts become image parts (data URLs are split into type and data).
 * @param messages - OpenAI chat messages, in conversation order.
 */
export function fromOpenAIChat(messages: readonly OpenAIChatMessage[]): Message[] {
  return messages.map((m, i) => {
    let content: Message['content'];
    if (m.content === null || m.content === undefined) content = '';
    else if (typeof m.content === 'string') content = m.content;
    else {
      content = m.content.map((p, k): ContentPart => {
        if (p?.type === 'text') return { type: 'text', text: p.text };
        if (p?.type !== 'image_url' || typeof p.image_url?.url !== 'string') {
          throw new CtxkitError(
            'INVALID_MESSAGE',
            `Invalid message at index ${i}: content part ${k} is neither text nor an image_url with a url`,
            { index: i, kind: 'invalid_content' },
          );
        }
        const match = DATA_URL.exec(p.image_url.url);
        const detail = p.image_url.detail ? { detail: p.image_url.detail } : {};
        return match
          ? { type: 'image', mediaType: match[1]!, data: match[2]!, ...detail }
          : { type: 'image', mediaType: 'image/*', url: p.image_url.url, ...detail };
      });
    }
    const out: Message = { role: m.role, content };
    if (m.name !== undefined) out.name = m.name;
    if (m.tool_call_id !== undefined) out.tool_call_id = m.tool_call_id;
    if (m.tool_calls && m.tool_calls.length > 0) {
      out.tool_calls = m.tool_calls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.function.name, arguments: c.function.arguments },
      }));
    }
    if (m.reasoning_content !== undefined) out.reasoning = m.reasoning_content;
    assertMessage(out, i);
    return out;
  });
}
