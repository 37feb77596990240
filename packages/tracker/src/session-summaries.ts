import { addEvent, emptyTotals, NO_PROJECT, projectMatches, sessionProject } from './report.js';
import type { UsageTotals } from './schema.js';
import type { StoreReadResult } from './store/types.js';

/** Summary of one stored session (what `sessions()` returns). */
export interface SessionSummary {
  sessionId: string;
  /** First event's own time (the header's time for a session with no events yet). */
  startedAt: string;
  /** Last event's own time. */
  lastActivity: string;
  /** From the header's meta (see {@link sessionProject}); absent when it names none. */
  project?: string;
  provider: string;
  model: string;
  models: string[];
  totals: UsageTotals;
  /** Calls whose request was compacted first (see {@link UsageEvent.compaction}); absent when none. */
  compactions?: number;
  /** Calls that summarized the conversation (see {@link UsageEvent.purpose}); absent when none. */
  summaryCalls?: number;
  meta?: Record<string, string | number | boolean>;
}

/** Filter of {@link TokenUsageTracker.sessions}. */
export interface SessionQuery {
  since?: Date | string;
  until?: Date | string;
  /** Sessions that used this model (exact name). */
  model?: string;
  provider?: string;
  /** Only sessions of this project (exact, or its last path segment). */
  project?: string;
  /** Order by last activity (default), start, cost or total tokens. */
  sort?: 'lastActivity' | 'startedAt' | 'cost' | 'tokens';
  /** `'desc'` (default: most recent, most expensive first) or `'asc'`. */
  order?: 'asc' | 'desc';
  /** IANA zone of bare-day `since` / `until` @default 'UTC' */
  timeZone?: string;
  /** Keep this many, after sorting. */
  limit?: number;
}

/**
 * One summary per stored session, over what the store read (already limited to the queried time
 * range): filtered, sorted and cut as `query` says. With a time range, only sessions with calls in it
 * are listed.
 */
export function summarizeSessions(
  { sessions, events }: Pick<StoreReadResult, 'sessions' | 'events'>,
  query: SessionQuery,
  ranged: boolean,
): SessionSummary[] {
  const byId = new Map<string, SessionSummary>();
  for (const s of sessions) {
    const project = sessionProject(s);
    byId.set(s.sessionId, {
      sessionId: s.sessionId,
      startedAt: s.startedAt,
      lastActivity: s.startedAt,
      provider: s.provider,
      model: s.model,
      models: [],
      totals: emptyTotals(),
      ...(project !== NO_PROJECT ? { project } : {}),
      ...(s.meta ? { meta: s.meta } : {}),
    });
  }
  const eventSessions = new Set<string>();
  for (const e of events) {
    let summary = byId.get(e.sessionId);
    if (!summary) {
      summary = {
        sessionId: e.sessionId,
        startedAt: e.timestamp,
        lastActivity: e.timestamp,
        provider: e.provider,
        model: e.model,
        models: [],
        totals: emptyTotals(),
      };
      byId.set(e.sessionId, summary);
    }
    // A header written by an older import holds the import's run time, later than the work; one
    // written by the importers holds the first logged line, before the first call. The start is the
    // earlier of the header and the calls; the last activity comes from the calls alone.
    if (!eventSessions.has(e.sessionId)) summary.lastActivity = e.timestamp;
    eventSessions.add(e.sessionId);
    addEvent(summary.totals, e);
    if (e.compaction) summary.compactions = (summary.compactions ?? 0) + 1;
    if (e.purpose === 'summary') summary.summaryCalls = (summary.summaryCalls ?? 0) + 1;
    if (!summary.models.includes(e.model)) summary.models.push(e.model);
    if (e.timestamp < summary.startedAt) summary.startedAt = e.timestamp;
    if (e.timestamp > summary.lastActivity) summary.lastActivity = e.timestamp;
  }
  let list = [...byId.values()].filter((s) => {
    // With a time range, a session is in it when it has calls in it.
    if (ranged && !eventSessions.has(s.sessionId)) return false;
    if (query.model && !s.models.includes(query.model) && s.model !== query.model) return false;
    if (query.provider && s.provider !== query.provider) return false;
    if (query.project !== undefined && !projectMatches(s.project ?? NO_PROJECT, query.project)) return false;
    return true;
  });
  for (const s of list)
    if (s.totals.calls > 0 && s.totals.unpricedCalls === s.totals.calls) s.totals.cost = null;
  const sort = query.sort ?? 'lastActivity';
  const measure = (s: SessionSummary) =>
    sort === 'cost'
      ? (s.totals.cost ?? 0)
      : sort === 'tokens'
        ? s.totals.totalTokens
        : Date.parse(sort === 'startedAt' ? s.startedAt : s.lastActivity);
  const direction = (query.order ?? 'desc') === 'asc' ? 1 : -1;
  list.sort((a, b) => direction * (measure(a) - measure(b)) || a.sessionId.localeCompare(b.sessionId));
  if (query.limit !== undefined) list = list.slice(0, query.limit);
  return list;
}
