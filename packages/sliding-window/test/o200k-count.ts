// An exact o200k_base counter built on js-tiktoken, so the replay
// runs on real token counts, not only on the character estimate.
import { type Message, messageText, toolArgumentsToString } from '@ctxkit/core';
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';

let encoder: Tiktoken | undefined;

/** Exact o200k_base tokens of a text; special-token strings count as plain text. */
export function o200kTokens(text: string): number {
  encoder ??= new Tiktoken(o200k);
  return text.length === 0 ? 0 : encoder.encode(text, [], []).length;
}

/**
 * Tokens one message costs under o200k_base: its text, each tool call's name and arguments, and
 * OpenAI's framing (3 per message, 1 for a name, 3 per tool call).
 */
export function o200kCount(message: Message): number {
  let n = 3 + o200kTokens(messageText(message));
  if (message.name) n += 1 + o200kTokens(message.name);
  for (const call of message.tool_calls ?? []) {
    n += 3 + o200kTokens(call.function.name) + o200kTokens(toolArgumentsToString(call.function.arguments));
  }
  return n;
}

/**
 * {@link o200kCount} with each message counted once (js-tiktoken is slow on large texts; the replays
 * count the same message objects at several limits).
 */
export function memoizedO200kCount(): (message: Message) => number {
  const cache = new WeakMap<Message, number>();
  return (m) => {
    let n = cache.get(m);
    if (n === undefined) {
      n = o200kCount(m);
      cache.set(m, n);
    }
    return n;
  };
}
