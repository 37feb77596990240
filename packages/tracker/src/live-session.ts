import { CtxkitError } from '@ctxkit/core';
import { buildReport } from './report.js';
import type { ModelBreakdown, UsageTotals } from './schema.js';
import type { CategoryBreakdown, SessionRecord, ToolUsage, UsageEvent, UsageWarning } from './types.js';

// The tracker's in-memory state of the open session: its events, the tool activity and prompt
// breakdown waiting for the next call, its warnings, and the live totals read from them.

/** Live usage of the current session (what `getCurrentUsage` returns). */
export interface SessionUsage {
  sessionId: string;
  provider: string;
  model: string;
  startedAt: string;
  totals: UsageTotals;
  byModel: ModelBreakdown[];
  /** The last model call's usage (its input is the current context size). */
  last: UsageEvent | undefined;
  contextWindow?: number;
  /** Share of the context window the last prompt used, 0..1, when the window is known. */
  contextUsed?: number;
  warnings: UsageWarning[];
}

/** Events not stored that get a warning each; beyond, one summary warning counts the rest. */
const MAX_FLUSH_WARNINGS = 100;

/** The open session as the tracker holds it. */
export interface LiveSession {
  record: SessionRecord;
  /** Events whose store append was rejected (a disk refusing writes must not grow warnings without bound). */
  notStored: number;
  notStoredSummary?: UsageWarning;
  events: UsageEvent[];
  ids: Set<string>;
  pendingTools: Record<string, ToolUsage>;
  pendingBreakdown: CategoryBreakdown | undefined;
  warnings: UsageWarning[];
}

/** A session just started, with nothing recorded yet. */
export function newLiveSession(record: SessionRecord): LiveSession {
  return {
    record,
    events: [],
    ids: new Set(),
    pendingTools: {},
    pendingBreakdown: undefined,
    warnings: [],
    notStored: 0,
  };
}

/** Warns about an event the store refused; past {@link MAX_FLUSH_WARNINGS}, one summary counts the rest. */
export function notStored(session: LiveSession, event: UsageEvent, error: unknown): void {
  session.notStored++;
  const message = `event ${event.id} not stored: ${(error as Error).message}`;
  if (session.notStored <= MAX_FLUSH_WARNINGS) {
    session.warnings.push({ code: 'FLUSH_FAILED', message, sessionId: event.sessionId });
    return;
  }
  const summary = `${session.notStored - MAX_FLUSH_WARNINGS} more event(s) not stored; last: ${message}`;
  if (session.notStoredSummary) session.notStoredSummary.message = summary;
  else {
    session.notStoredSummary = { code: 'FLUSH_FAILED', message: summary, sessionId: event.sessionId };
    session.warnings.push(session.notStoredSummary);
  }
}

/**
 * Keeps a prompt breakdown for the next call. A count function returning NaN or a fraction must fail
 * here (`INVALID_ARGUMENT`), not poison the next record().
 */
export function setPendingBreakdown(session: LiveSession, breakdown: CategoryBreakdown): void {
  for (const [category, value] of Object.entries(breakdown)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new CtxkitError(
        'INVALID_ARGUMENT',
        `trackMessageTokens: the count function gave ${category} ${value} (not a non-negative integer)`,
        { category, value: String(value) },
      );
    }
  }
  session.pendingBreakdown = breakdown;
}

/** Checks a tool's use (`INVALID_ARGUMENT` for a bad name or count) before any session is needed. */
export function checkToolUsage(toolName: string, resultTokens: number, count: number): void {
  if (typeof toolName !== 'string' || toolName.length === 0) {
    throw new CtxkitError('INVALID_ARGUMENT', 'trackToolUsage needs a tool name');
  }
  for (const [name, value] of [
    ['resultTokens', resultTokens],
    ['count', count],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw new CtxkitError(
        'INVALID_ARGUMENT',
        `trackToolUsage: ${name} must be a finite non-negative number`,
        {
          [name]: String(value),
        },
      );
    }
  }
}

/** Adds a checked tool use to the activity the next call carries. */
export function addPendingTool(
  session: LiveSession,
  toolName: string,
  resultTokens: number,
  count: number,
): void {
  const entry = session.pendingTools[toolName] ?? { count: 0, resultTokens: 0 };
  const next = {
    count: entry.count + Math.round(count),
    resultTokens: entry.resultTokens + Math.round(resultTokens),
  };
  // Pending tool use is stored with the next call: a sum past 2^53 - 1 would make every later
  // record() of the session fail, so it is refused here.
  if (!Number.isSafeInteger(next.count) || !Number.isSafeInteger(next.resultTokens)) {
    throw new CtxkitError('INVALID_ARGUMENT', 'trackToolUsage: counts beyond 2^53 - 1 cannot be stored', {
      tool: toolName,
    });
  }
  session.pendingTools[toolName] = next;
}

/** The session's live totals, from memory (pending tool activity included). */
export function currentUsage(session: LiveSession, now: Date): SessionUsage {
  const report = buildReport(session.events, { groupBy: 'model', now });
  const totals = report.totals;
  // Pending tool activity is real usage already; show it before the next call absorbs it.
  for (const t of Object.values(session.pendingTools)) {
    totals.toolCalls += t.count;
    totals.toolResultTokens += t.resultTokens;
  }
  const last = [...session.events].reverse().find((e) => e.kind !== 'tool');
  const window = session.record.contextWindow;
  return {
    sessionId: session.record.sessionId,
    provider: session.record.provider,
    model: session.record.model,
    startedAt: session.record.startedAt,
    totals,
    byModel: report.byModel,
    last,
    ...(window ? { contextWindow: window } : {}),
    ...(window && last ? { contextUsed: last.usage.inputTokens / window } : {}),
    warnings: session.warnings.map((w) => ({ ...w })),
  };
}
