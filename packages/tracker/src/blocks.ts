import type { BlockStatus } from './schema.js';
import type { UsageEvent } from './types.js';

/** Length of a billing block: Claude's usage limits reset on 5-hour windows. */
export const DEFAULT_BLOCK_HOURS = 5;

/** Where one block lies: its window and its first and last activity (epoch ms). */
export interface BlockSpan {
  start: number;
  end: number;
  first: number;
  last: number;
}

/**
 * Splits time-sorted events into billing blocks the way Claude's 5-hour windows run (and ccusage
 * counts them): a block starts at the hour of its first event and holds every event until one comes
 * after the window ends or after a quiet spell as long as the window. Every event gets exactly one block.
 *
 * @param events - sorted by timestamp
 * @param hours - block length @default 5
 */
export function assignBlocks(
  events: readonly UsageEvent[],
  hours = DEFAULT_BLOCK_HOURS,
): Map<UsageEvent, BlockSpan> {
  const length = hours * 3_600_000;
  const out = new Map<UsageEvent, BlockSpan>();
  let current: BlockSpan | undefined;
  for (const event of events) {
    const t = Date.parse(event.timestamp);
    if (!current || t - current.start > length || t - current.last > length) {
      const start = Math.floor(t / 3_600_000) * 3_600_000;
      current = { start, end: start + length, first: t, last: t };
    }
    current.last = t;
    out.set(event, current);
  }
  return out;
}

/**
 * A block's state at `now`: active while its window is open and its last activity is recent; the
 * burn rate over its activity so far; and, when active, the totals it reaches by its end at that rate.
 *
 * @param span - the block's window (`start`, `end`) and its first and last activity, in epoch milliseconds
 * @param totals - the block's tokens and cost so far (`cost` null when unpriced, which leaves the cost
 *   rate and projection null)
 * @param now - the moment to judge the block at
 */
export function blockStatus(
  span: BlockSpan,
  totals: { totalTokens: number; cost: number | null },
  now: Date,
): BlockStatus {
  const length = span.end - span.start;
  const at = now.getTime();
  // A block is active only from its last activity on (a report dated before it sees it as future).
  const active = at >= span.last && at - span.last < length && at < span.end;
  const minutes = (span.last - span.first) / 60_000;
  const burnRate =
    minutes > 0
      ? {
          tokensPerMinute: totals.totalTokens / minutes,
          costPerHour: totals.cost === null ? null : (totals.cost / minutes) * 60,
        }
      : null;
  const remainingMinutes = Math.max(0, (span.end - at) / 60_000);
  const projection =
    active && burnRate
      ? {
          totalTokens: Math.round(totals.totalTokens + burnRate.tokensPerMinute * remainingMinutes),
          cost:
            totals.cost === null || burnRate.costPerHour === null
              ? null
              : Math.round((totals.cost + (burnRate.costPerHour / 60) * remainingMinutes) * 1e6) / 1e6,
          remainingMinutes: Math.round(remainingMinutes),
        }
      : null;
  return {
    end: new Date(span.end).toISOString(),
    firstActivity: new Date(span.first).toISOString(),
    lastActivity: new Date(span.last).toISOString(),
    active,
    burnRate,
    projection,
  };
}
