import { imageSizeDefect, isContentPart } from './content.js';
import { CtxkitError } from './errors.js';
import { type Message, ROLES } from './types.js';

/** Why a single message is malformed, or `undefined` when it is well formed. */
export function messageDefect(
  value: unknown,
): { kind: 'unknown_role' | 'invalid_content'; reason: string } | undefined {
  if (value === null || typeof value !== 'object') {
    return {
      kind: 'invalid_content',
      reason: `message is ${value === null ? 'null' : typeof value}, not an object`,
    };
  }
  const m = value as Record<string, unknown>;
  if (typeof m.role !== 'string' || !(ROLES as readonly string[]).includes(m.role)) {
    return { kind: 'unknown_role', reason: `unknown role ${JSON.stringify(m.role) ?? String(m.role)}` };
  }
  if (typeof m.content !== 'string') {
    if (!Array.isArray(m.content))
      return { kind: 'invalid_content', reason: `content is ${typeof m.content}` };
    const bad = m.content.findIndex((p) => !isContentPart(p));
    if (bad >= 0)
      return { kind: 'invalid_content', reason: `content part ${bad} is not a text or image part` };
  }
  if (m.tool_calls !== undefined) {
    if (!Array.isArray(m.tool_calls))
      return { kind: 'invalid_content', reason: 'tool_calls is not an array' };
    if (m.role !== 'assistant' && m.tool_calls.length > 0) {
      return { kind: 'invalid_content', reason: `a ${m.role} message carries tool_calls` };
    }
    for (const [i, call] of m.tool_calls.entries()) {
      const c = call as Record<string, unknown> | null;
      const fn = c?.function as Record<string, unknown> | undefined;
      if (!c || typeof c.id !== 'string' || c.id.length === 0 || !fn || typeof fn.name !== 'string') {
        return { kind: 'invalid_content', reason: `tool call ${i} lacks an id or a function name` };
      }
      if (typeof fn.arguments !== 'string' && (fn.arguments === null || typeof fn.arguments !== 'object')) {
        return {
          kind: 'invalid_content',
          reason: `tool call ${i} has arguments of type ${typeof fn.arguments}`,
        };
      }
    }
  }
  const images = imagesDefect(m.images);
  if (images) return { kind: 'invalid_content', reason: images };
  if (m.role === 'tool' && (typeof m.tool_call_id !== 'string' || m.tool_call_id.length === 0)) {
    return { kind: 'invalid_content', reason: 'tool message without a tool_call_id' };
  }
  return undefined;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `a string (${JSON.stringify(value.slice(0, 20))})` : typeof value;
}

/**
 * Why Nanocoder-style `images` are malformed, or `undefined`: absent, or an array of objects each
 * with a `data` and a `mediaType` string (and, when given, a positive `width` and `height`).
 * A string is not a list of images, although it has a length and can be iterated.
 */
function imagesDefect(images: unknown): string | undefined {
  if (images === undefined) return undefined;
  if (!Array.isArray(images)) return `images is ${kindOf(images)}, not an array`;
  for (let i = 0; i < images.length; i++) {
    const img: unknown = images[i];
    if (img === null || typeof img !== 'object' || Array.isArray(img)) {
      return `image ${i} is ${img === undefined ? 'missing' : kindOf(img)}, not an object`;
    }
    const r = img as Record<string, unknown>;
    if (typeof r.data !== 'string') return `image ${i} has no data string (data is ${kindOf(r.data)})`;
    if (typeof r.mediaType !== 'string')
      return `image ${i} has no mediaType string (mediaType is ${kindOf(r.mediaType)})`;
    const size = imageSizeDefect(r);
    if (size) return `image ${i}: ${size}`;
  }
  return undefined;
}

/**
 * Asserts that a value is a well-formed {@link Message}.
 * @throws {CtxkitError} `INVALID_MESSAGE` with the reason and the index, if given.
 * @param value - the value to check.
 * @param index - its position in the conversation, named in the error.
 */
export function assertMessage(value: unknown, index?: number): asserts value is Message {
  const defect = messageDefect(value);
  if (defect) {
    const where = index === undefined ? '' : ` at index ${index}`;
    throw new CtxkitError('INVALID_MESSAGE', `Invalid message${where}: ${defect.reason}`, {
      index,
      kind: defect.kind,
    });
  }
}
