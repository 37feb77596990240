import * as crypto from 'node:crypto';
import { assertMessage, type Message } from '@ctxkit/core';
import { type Leaf, messageLeaves, serializeLeaves } from './canonical.js';

// `crypto.hash` (one-shot, Node ≥ 20.12) avoids allocating a Hash object per
// call; older Node 20 releases fall back to createHash.
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'base64url') => string }).hash;
function sha1(text: string): string {
  return oneShot
    ? oneShot('sha1', text, 'base64url')
    : crypto.createHash('sha1').update(text).digest('base64url');
}

interface Memo {
  leaves: Leaf[];
  fingerprint: string;
}

// Per-object memo: an agent recounts the same message objects every turn, and
// hashing a 25 KB tool result costs ~40 µs while comparing its leaves costs
// well under 1 µs (unchanged strings are the same pointers, so `===` is O(1)).
// The memo is only reused when EVERY leaf is equal, so a message mutated in
// place gets a new fingerprint: correct by construction, not by trust.
const memo = new WeakMap<object, Memo>();

function sameLeaves(a: readonly Leaf[], b: readonly Leaf[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// A message mutated into garbage after it was memoized must still fail typed.
function leavesOf(message: Message): Leaf[] {
  try {
    return messageLeaves(message);
  } catch (error) {
    assertMessage(message);
    throw error;
  }
}

/**
 * A fast, stable fingerprint of everything in a message that a provider
 * receives: role, text and image content, every tool call (id, name,
 * arguments), `tool_call_id`, `name`, `reasoning` and `images[]`. Two messages
 * with the same fingerprint cost the same tokens under any tokenizer; messages
 * that differ only in tool-call arguments or image data never share one.
 *
 * SHA-1 (node:crypto) of an injective serialization, base64url (27 chars).
 * Repeated calls on the same, unchanged object are answered from a memo that
 * is checked field by field, so in-place edits are always seen.
 *
 * @throws {CtxkitError} `INVALID_MESSAGE` when the value is not a well-formed message.
 * @example
 * ```ts
 * messageFingerprint({ role: 'user', content: 'hi' }); // '1pTq…'
 * ```
 * @param message - the message to fingerprint.
 */
export function messageFingerprint(message: Message): string {
  const known = memo.get(message);
  if (known !== undefined) {
    const leaves = leavesOf(message);
    if (sameLeaves(known.leaves, leaves)) return known.fingerprint;
  }
  // Slow path only: full shape check, so malformed input is a typed error and
  // never a silently shared fingerprint.
  assertMessage(message);
  const leaves = messageLeaves(message);
  const fingerprint = sha1(serializeLeaves(leaves));
  memo.set(message, { leaves, fingerprint });
  return fingerprint;
}
