import { fromNanocoder, type Message, toNanocoder } from '@ctxkit/core';
import type { NanocoderMessage } from './types.js';

/**
 * Nanocoder message → ctxkit message, leniently (`@ctxkit/core`'s
 * `fromNanocoder` with `lenient: true`): Nanocoder's own counters treat a
 * missing `content` as `''`, so this does too rather than throwing in the
 * middle of its render loop. Tool-call arguments stay parsed objects (ctxkit
 * accepts both forms); `structuredContent` rides along in `metadata`.
 *
 * @param m - the Nanocoder message; an unknown role becomes `assistant`
 */
export function toCtxkit(m: NanocoderMessage): Message {
  return fromNanocoder([m], { lenient: true })[0] as Message;
}

/**
 * ctxkit message → Nanocoder message. A message ctxkit kept verbatim maps back
 * to the very object Nanocoder handed in (`originals`), so nothing Nanocoder
 * attached to it is lost; a new one (a summary) is converted by `@ctxkit/core`'s
 * `toNanocoder`.
 *
 * @throws {CtxkitError} `INVALID_MESSAGE` for a malformed new message.
 * @param m - the ctxkit message; array content is flattened to text, an image
 *   with data moves to `images[]` (which Nanocoder sends to the provider) and a
 *   URL image becomes `[image: url]`
 * @param originals - the Nanocoder message each ctxkit message was converted from, when known
 */
export function toNanocoderMessage(
  m: Message,
  originals?: ReadonlyMap<Message, NanocoderMessage>,
): NanocoderMessage {
  return originals?.get(m) ?? (toNanocoder([m])[0] as NanocoderMessage);
}
