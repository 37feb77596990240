import { objectToToolArguments, toolArgumentsToObject } from '../content.js';
import { assertMessage } from '../message-check.js';
import type { ContentPart, Message } from '../types.js';

/** A content block in Anthropic's Messages API wire format. */
export type AnthropicBlock =
  | { type: 'text'; text: string }
  | {
      type: 'image';
      source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
    }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; tool_use_id: string; content: string | AnthropicBlock[]; is_error?: boolean }
  | { type: 'thinking'; thinking: string; signature?: string };

/** A message in Anthropic's Messages API wire format. */
export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: string | AnthropicBlock[];
}

/** An Anthropic request body's conversation part: the top-level system prompt and the messages. */
export interface AnthropicConversation {
  system?: string | { type: 'text'; text: string }[];
  messages: AnthropicMessage[];
}

function partToBlock(p: ContentPart): AnthropicBlock {
  if (p.type === 'text') return { type: 'text', text: p.text };
  return {
    type: 'image',
    source: p.url
      ? { type: 'url', url: p.url }
      : { type: 'base64', media_type: p.mediaType, data: p.data ?? '' },
  };
}

function userBlocks(m: Message): AnthropicBlock[] {
  const parts: ContentPart[] =
    typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
  const blocks = parts.map(partToBlock);
  for (const img of m.images ?? []) {
    blocks.push({ type: 'image', source: { type: 'base64', media_type: img.mediaType, data: img.data } });
  }
  return blocks;
}

/**
 * Converts ctxkit messages to Anthropic's shape: leading system messages become
 * the top-level `system` blocks; a system message later in the conversation
 * becomes a user text block (Anthropic has no mid-conversation system role);
 * tool calls become `tool_use` blocks with parsed input; consecutive tool
 * results are merged into one user message of `tool_result` blocks; `reasoning`
 * becomes a `thinking` block.
 * @throws {CtxkitError} `INVALID_MESSAGE` for a malformed message.
 * @param messages - ctxkit messages, in conversation order, system messages included.
 * @returns the `system` blocks and the `messages` of an Anthropic Messages API request.
 */
export function toAnthropic(messages: readonly Message[]): AnthropicConversation {
  const system: { type: 'text'; text: string }[] = [];
  const out: AnthropicMessage[] = [];
  let leading = true;
  messages.forEach((m, i) => {
    assertMessage(m, i);
    if (m.role === 'system' && leading) {
      system.push({
        type: 'text',
        text:
          typeof m.content === 'string'
            ? m.content
            : userBlocks(m)
                .map((b) => (b.type === 'text' ? b.text : ''))
                .join('\n'),
      });
      return;
    }
    leading = false;
    if (m.role === 'assistant') {
      const blocks: AnthropicBlock[] = [];
      if (m.reasoning) blocks.push({ type: 'thinking', thinking: m.reasoning });
      for (const b of userBlocks(m)) if (b.type !== 'text' || b.text.length > 0) blocks.push(b);
      for (const c of m.tool_calls ?? []) {
        blocks.push({
          type: 'tool_use',
          id: c.id,
          name: c.function.name,
          input: toolArgumentsToObject(c.function.arguments),
        });
      }
      out.push({ role: 'assistant', content: blocks });
      return;
    }
    if (m.role === 'tool') {
      const block: AnthropicBlock = {
        type: 'tool_result',
        tool_use_id: m.tool_call_id as string,
        content: typeof m.content === 'string' ? m.content : userBlocks(m),
      };
      const prev = out[out.length - 1];
      const prevIsResults =
        prev?.role === 'user' &&
        Array.isArray(prev.content) &&
        prev.content.every((b) => b.type === 'tool_result');
      if (prevIsResults) (prev.content as AnthropicBlock[]).push(block);
      else out.push({ role: 'user', content: [block] });
      return;
    }
    const blocks = userBlocks(m);
    if (m.role === 'system') blocks.unshift({ type: 'text', text: '[system]' });
    out.push({ role: 'user', content: blocks });
  });
  return system.length > 0 ? { system, messages: out } : { messages: out };
}

function blocksToContent(blocks: AnthropicBlock[]): Message['content'] {
  const parts: ContentPart[] = [];
  for (const b of blocks) {
    if (b.type === 'text') parts.push({ type: 'text', text: b.text });
    else if (b.type === 'image') {
      // A block without a source is kept as an invalid part, for assertMessage to name.
      if (b.source === null || typeof b.source !== 'object') {
        parts.push({ type: 'image' } as ContentPart);
        continue;
      }
      parts.push(
        b.source.type === 'url'
          ? { type: 'image', mediaType: 'image/*', url: b.source.url }
          : { type: 'image', mediaType: b.source.media_type, data: b.source.data },
      );
    }
  }
  if (parts.every((p) => p.type === 'text'))
    return parts.map((p) => (p as { text: string }).text).join('\n\n');
  return parts;
}

/**
 * Converts an Anthropic conversation to ctxkit messages: `system` becomes
 * system messages, `tool_use` blocks become tool calls (arguments as JSON
 * strings), each `tool_result` block becomes a `tool` message followed by any
 * other content of the same user message, `thinking` becomes `reasoning`.
 * Several text blocks of one message are joined with a blank line.
 * @param conversation - Anthropic's `system` and `messages`, as sent to the Messages API.
 */
export function fromAnthropic(conversation: AnthropicConversation): Message[] {
  const out: Message[] = [];
  const { system } = conversation;
  if (typeof system === 'string') out.push({ role: 'system', content: system });
  else for (const b of system ?? []) out.push({ role: 'system', content: b.text });
  for (const m of conversation.messages) {
    const blocks: AnthropicBlock[] =
      typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    if (m.role === 'assistant') {
      const msg: Message = { role: 'assistant', content: blocksToContent(blocks) };
      const thinking = blocks
        .filter((b) => b.type === 'thinking')
        .map((b) => (b as { thinking: string }).thinking);
      if (thinking.length > 0) msg.reasoning = thinking.join('\n\n');
      const calls = blocks.filter(
        (b): b is Extract<AnthropicBlock, { type: 'tool_use' }> => b.type === 'tool_use',
      );
      if (calls.length > 0) {
        msg.tool_calls = calls.map((c) => ({
          id: c.id,
          type: 'function',
          function: { name: c.name, arguments: objectToToolArguments(c.input) },
        }));
      }
      out.push(msg);
      continue;
    }
    const rest: AnthropicBlock[] = [];
    for (const b of blocks) {
      if (b.type !== 'tool_result') {
        rest.push(b);
        continue;
      }
      const content = typeof b.content === 'string' ? b.content : blocksToContent(b.content);
      const msg: Message = { role: 'tool', tool_call_id: b.tool_use_id, content };
      if (b.is_error) msg.metadata = { isError: true };
      out.push(msg);
    }
    if (rest.length > 0 || blocks.length === 0) out.push({ role: 'user', content: blocksToContent(rest) });
  }
  for (const [i, m] of out.entries()) assertMessage(m, i);
  return out;
}
