import type { ContentPart, Message } from '@ctxkit/core';
import { toolArgumentsToString } from '@ctxkit/core';

/**
 * One leaf of a message: a string field, a number field, an absent field, or
 * a structural count. The sequence of leaves determines the message's
 * fingerprint; two messages with equal leaf sequences are sent identically.
 *
 * @internal
 */
export type Leaf = string | number | undefined;

function pushPart(out: Leaf[], p: ContentPart): void {
  if (p.type === 'text') {
    out.push('t', p.text);
  } else {
    out.push('i', p.mediaType, p.data, p.url, p.width, p.height, p.detail);
  }
}

/**
 * The leaves of everything in a message that a provider receives: role,
 * content (text and image parts), tool calls (id, name, arguments as the JSON
 * string the provider gets), `tool_call_id`, `name`, `reasoning` and
 * Nanocoder-style `images[]`. `id`, `pinned` and `metadata` are left out on
 * purpose: they are never sent, so they cannot change a token count, and
 * leaving them out lets a copy with new metadata still hit the cache.
 *
 * Counts (`content.length`, `tool_calls.length` …) are leaves too, so the
 * leaf sequence is unambiguous.
 *
 * @internal
 */
export function messageLeaves(message: Message): Leaf[] {
  const out: Leaf[] = [message.role];
  const { content } = message;
  if (typeof content === 'string') {
    out.push('s', content);
  } else if (Array.isArray(content)) {
    out.push(content.length);
    for (const p of content) pushPart(out, p);
  } else {
    out.push(undefined);
  }
  const calls = message.tool_calls;
  if (calls === undefined) {
    out.push(undefined);
  } else {
    out.push(calls.length);
    for (const call of calls) {
      out.push(call.id, call.function?.name, toolArgumentsToString(call.function?.arguments ?? ''));
    }
  }
  out.push(message.tool_call_id, message.name, message.reasoning);
  const images = message.images;
  if (images === undefined) {
    out.push(undefined);
  } else {
    out.push(images.length);
    for (const img of images) out.push(img.mediaType, img.data, img.width, img.height);
  }
  return out;
}

/**
 * Serializes leaves injectively: a string is written as `s<length>:<text>`, a
 * number as `n<value>;`, an absent field as `u`. No field can forge a
 * separator, so different leaf sequences never give the same string.
 *
 * @internal
 */
export function serializeLeaves(leaves: readonly Leaf[]): string {
  let out = '';
  for (const leaf of leaves) {
    if (typeof leaf === 'string') out += `s${leaf.length}:${leaf}`;
    else if (typeof leaf === 'number') out += `n${leaf};`;
    else out += 'u';
  }
  return out;
}
