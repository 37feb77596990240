import type { Message } from '@ctxkit/core';
import type { WorkingConversation } from './working-conversation.js';

/** The region stage 3 summarizes. @internal */
export interface Region {
  /** Index where the kept tail starts; the summary goes right before it. */
  cut: number;
  /** Indexes of the messages summarized away, ascending (whole units only). */
  indexes: number[];
}

/**
 * Picks the smallest region whose summary (at most `summaryTokens`) brings the
 * conversation to `goal`. The region starts after the first user message and
 * ends at a user message (preferred) or, when the final user turn alone is too
 * big, at the start of an assistant step inside it; it never splits a tool pair
 * and leaves protected units (system, pinned, latest user message) in place.
 * Returns the largest possible region when none reaches the goal.
 * @internal
 */
export function chooseRegion(
  work: WorkingConversation,
  goal: number,
  summaryTokens: number,
): Region | undefined {
  const msgs = work.messages;
  const first = work.firstUser();
  const head = first >= 0 ? first + 1 : msgs.findIndex((m) => m.role !== 'system');
  if (head < 0) return undefined;
  const protectedIdx = work.protectedSet();
  const starts = work.unitStarts();
  const lastStart = starts[starts.length - 1] ?? msgs.length;
  // Per unit: its tokens and whether it must stay.
  const unitOf: { start: number; end: number; tokens: number; keep: boolean }[] = starts.map((s, k) => {
    const end = starts[k + 1] ?? msgs.length;
    let tokens = 0;
    let keep = false;
    for (let i = s; i < end; i++) {
      tokens += work.count(msgs[i]!);
      if (protectedIdx.has(i)) keep = true;
    }
    return { start: s, end, tokens, keep };
  });
  const total = work.total();
  // Walk candidate cuts ascending; `removable` = tokens of unprotected units in [head, cut).
  let removable = 0;
  let best: Region | undefined;
  let lastCandidate: Region | undefined;
  const indexes: number[] = [];
  for (const unit of unitOf) {
    const c = unit.start;
    if (c > head && c <= lastStart && indexes.length > 0) {
      // Any unit start is a cut (a tool pair is one unit): cutting only at user messages left
      // single-task sessions nothing between "summarize everything" and "summarize nothing".
      const m: Message = msgs[c]!;
      if (m.role !== 'tool') {
        lastCandidate = { cut: c, indexes: [...indexes] };
        if (total - removable + summaryTokens <= goal) {
          best = lastCandidate;
          break;
        }
      }
    }
    if (c >= head && !unit.keep) {
      removable += unit.tokens;
      for (let i = unit.start; i < unit.end; i++) indexes.push(i);
    }
  }
  return best ?? lastCandidate;
}
