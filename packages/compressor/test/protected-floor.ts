// What compression may never remove, recomputed for the suites and the benchmark.
import type { Message, Tokenizer } from '@ctxkit/core';
import { WorkingConversation } from '../src/working-conversation.js';

/** Index of the latest user message that is not a summary. */
export function latestUserIndex(messages: readonly Message[]): number {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === 'user' && (m.metadata?.ctxkit as { kind?: string } | undefined)?.kind !== 'summary')
      return i;
  }
  return -1;
}

/** Tokens nothing may remove: system, pinned, first and latest user message, the newest unit. */
export function floorOf(messages: Message[], tokenizer: Tokenizer): number {
  const w = new WorkingConversation(messages, tokenizer, undefined);
  const p = w.protectedSet();
  const starts = w.unitStarts();
  const last = starts[starts.length - 1] ?? messages.length;
  let floor = w.base;
  messages.forEach((m, i) => {
    if (p.has(i) || i >= last) floor += w.count(m);
  });
  return floor;
}
