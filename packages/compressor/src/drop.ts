import { groupTurns, isCtxkitError, type Message } from '@ctxkit/core';
import { fitToBudget } from '@ctxkit/sliding-window';

/** Options of {@link dropOldestGroups}, shaped like `@ctxkit/sliding-window`'s `fitToBudget`. */
export interface DropOptions {
  maxTokens: number;
  count: (m: Message) => number;
  pinned: (m: Message, index: number) => boolean;
}

/**
 * Stage 5 engine: drops the oldest unpinned turn groups (core's `groupTurns`: a lone
 * message, or an assistant message with all its tool results) until the messages fit
 * `maxTokens`; the newest group always stays. Isolated so the sliding window's
 * `fitToBudget` can replace it.
 * @internal
 */
export function dropOldestGroups(
  messages: readonly Message[],
  options: DropOptions,
): { messages: Message[]; dropped: Message[] } {
  const groups = groupTurns(messages);
  let total = messages.reduce((s, m) => s + options.count(m), 0);
  const drop = new Set<number>();
  for (let g = 0; g < groups.length - 1 && total > options.maxTokens; g++) {
    const { start, end } = groups[g]!;
    let pinned = false;
    for (let i = start; i < end && !pinned; i++) pinned = options.pinned(messages[i]!, i);
    if (pinned) continue;
    for (let i = start; i < end; i++) {
      drop.add(i);
      total -= options.count(messages[i]!);
    }
  }
  return {
    messages: messages.filter((_, i) => !drop.has(i)),
    dropped: messages.filter((_, i) => drop.has(i)),
  };
}

/**
 * Stage 5: the sliding window's `fitToBudget` (newest turns kept, turn groups whole,
 * pins kept). When the window refuses because the newest turn alone is too big
 * (`BUDGET_EXCEEDED`), falls back to {@link dropOldestGroups}, which only needs the
 * newest group to stay.
 * @internal
 */
export function dropToFit(
  messages: readonly Message[],
  options: DropOptions,
): { messages: Message[]; dropped: Message[] } {
  try {
    const fit = fitToBudget(messages, {
      maxTokens: Math.max(1, options.maxTokens),
      count: options.count,
      pinned: options.pinned,
      strategy: 'last',
      keepFirstUserMessage: true,
    });
    return { messages: fit.messages, dropped: fit.dropped };
  } catch (error) {
    if (!isCtxkitError(error, 'BUDGET_EXCEEDED')) throw error;
    return dropOldestGroups(messages, options);
  }
}
