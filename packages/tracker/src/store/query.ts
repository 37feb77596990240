import type { UsageEvent } from '../types.js';
import type { StoreQuery } from './types.js';

/** Applies a query, drops repeated ids (first copy wins) and sorts by time. */
export function filterAndDedupe(
  events: readonly UsageEvent[],
  query: StoreQuery,
): { events: UsageEvent[]; duplicates: number } {
  const seen = new Set<string>();
  const since = query.since?.getTime() ?? -Infinity;
  const until = query.until?.getTime() ?? Infinity;
  const sessions = query.sessionIds ? new Set(query.sessionIds) : undefined;
  const out: UsageEvent[] = [];
  let duplicates = 0;
  for (const event of events) {
    if (seen.has(event.id)) {
      duplicates++;
      continue;
    }
    seen.add(event.id);
    if (sessions && !sessions.has(event.sessionId)) continue;
    const t = Date.parse(event.timestamp);
    if (t < since || t > until) continue;
    out.push(event);
  }
  out.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  return { events: out, duplicates };
}
