import { CtxkitError } from '@ctxkit/core';
import {
  type GroupBy,
  groupByValues,
  type ModelBreakdown,
  type ReportGroup,
  type ReportTurn,
  type UsageReport,
  type UsageTotals,
} from './schema.js';
import type { UsageEvent } from './types.js';

/** Options of a report. */
export interface ReportOptions {
  /** Events at or after this time (Date or ISO string). */
  since?: Date | string;
  /** Events at or before this time. */
  until?: Date | string;
  /** Grouping of `groups` (default `'day'`). The per-model breakdown is always included. */
  groupBy?: GroupBy;
  /** IANA time zone of day / week / month buckets (default `'UTC'`). */
  timeZone?: string;
  /** Keep at most this many (most recent) turns for charts (default 5000). */
  maxTurns?: number;
  /** Report time (default now), for reproducible output. */
  now?: Date;
}

/** Parses `since` / `until`. */
export function toDate(value: Date | string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new CtxkitError('INVALID_ARGUMENT', `invalid ${name} date`, { value: String(value) });
  return date;
}

/** Empty totals. */
export function emptyTotals(): UsageTotals {
  return {
    calls: 0,
    estimatedCalls: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    uncachedInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    totalTokens: 0,
    toolCalls: 0,
    toolResultTokens: 0,
    cost: 0,
    costComplete: true,
    unpricedCalls: 0,
  };
}

/** Adds one event to running totals (`toolName` restricts tool counts to one tool, for groupBy tool). */
export function addEvent(totals: UsageTotals, event: UsageEvent, toolName?: string): void {
  const tools = event.tools ?? {};
  const toolEntries = toolName ? (tools[toolName] ? [tools[toolName]] : []) : Object.values(tools);
  for (const t of toolEntries) {
    totals.toolCalls += t.count;
    totals.toolResultTokens += t.resultTokens;
  }
  if (event.kind === 'tool') return;
  const u = event.usage;
  totals.calls++;
  if (event.source === 'estimate') totals.estimatedCalls++;
  totals.inputTokens += u.inputTokens;
  totals.cachedInputTokens += u.cachedInputTokens;
  totals.cacheWriteTokens += u.cacheWriteTokens;
  totals.uncachedInputTokens += u.inputTokens - u.cachedInputTokens - u.cacheWriteTokens;
  totals.outputTokens += u.outputTokens;
  totals.reasoningTokens += u.reasoningTokens;
  totals.totalTokens += u.inputTokens + u.outputTokens;
  if (event.cost) {
    totals.cost = round((totals.cost ?? 0) + event.cost.amount);
  } else {
    totals.unpricedCalls++;
    totals.costComplete = false;
  }
}

function round(n: number): number {
  return Math.round(n * 1e9) / 1e9;
}

/** Totals with cost null when nothing could be priced (never a made-up 0). */
function finish<T extends UsageTotals>(totals: T): T {
  if (totals.calls > 0 && totals.unpricedCalls === totals.calls) totals.cost = null;
  return totals;
}

class ModelAccumulator {
  private readonly rows = new Map<string, ModelBreakdown>();

  add(event: UsageEvent, toolName?: string): void {
    const key = `${event.provider}/${event.model}`;
    let row = this.rows.get(key);
    if (!row) {
      row = { provider: event.provider, model: event.model, ...emptyTotals() };
      this.rows.set(key, row);
    }
    addEvent(row, event, toolName);
    if (!event.cost && event.kind !== 'tool' && event.costReason && !row.unpricedReason) {
      row.unpricedReason = event.costReason;
    }
  }

  list(): ModelBreakdown[] {
    return [...this.rows.values()]
      .map(finish)
      .sort((a, b) => b.totalTokens - a.totalTokens || a.model.localeCompare(b.model));
  }
}

/** Calendar key of an instant in a time zone: day `YYYY-MM-DD`, week = its Monday, month `YYYY-MM`. */
export function periodKey(timestamp: string, groupBy: 'day' | 'week' | 'month', timeZone: string): string {
  const parts = dayFormatter(timeZone).formatToParts(new Date(timestamp));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  const [y, m, d] = [get('year'), get('month'), get('day')];
  if (groupBy === 'month') return `${y}-${m}`;
  if (groupBy === 'day') return `${y}-${m}-${d}`;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch (cause) {
      throw new CtxkitError('INVALID_ARGUMENT', `unknown time zone ${timeZone}`, { timeZone }, { cause });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

function groupKeys(event: UsageEvent, groupBy: GroupBy, timeZone: string): string[] {
  switch (groupBy) {
    case 'day':
    case 'week':
    case 'month':
      return [periodKey(event.timestamp, groupBy, timeZone)];
    case 'session':
      return [event.sessionId];
    case 'model':
      return [`${event.provider}/${event.model}`];
    case 'tool': {
      const names = Object.keys(event.tools ?? {});
      return names.length > 0 ? names : ['(no tool)'];
    }
  }
}

/**
 * Builds a report from events (already de-duplicated and filtered). Every report has the same shape
 * ({@link usageReportSchema}); with `groupBy: 'tool'` an event that called several tools counts in
 * each of their groups, so group sums may exceed the grand total (which never double counts).
 */
export function buildReport(
  events: readonly UsageEvent[],
  options: ReportOptions = {},
  extraWarnings: readonly string[] = [],
): UsageReport {
  const groupBy = options.groupBy ?? 'day';
  if (!groupByValues.includes(groupBy)) {
    throw new CtxkitError('INVALID_ARGUMENT', `groupBy must be one of ${groupByValues.join(', ')}`, {
      groupBy,
    });
  }
  const timeZone = options.timeZone ?? 'UTC';
  dayFormatter(timeZone);
  const since = toDate(options.since, 'since');
  const until = toDate(options.until, 'until');
  const totals = emptyTotals();
  const models = new ModelAccumulator();
  const groups = new Map<string, { group: ReportGroup; models: ModelAccumulator }>();
  const turns: ReportTurn[] = [];
  const sessions = new Set<string>();
  const versions = new Set<string>();
  const sorted = [...events].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  for (const event of sorted) {
    const t = Date.parse(event.timestamp);
    if ((since && t < since.getTime()) || (until && t > until.getTime())) continue;
    sessions.add(event.sessionId);
    if (event.cost) versions.add(event.cost.pricingVersion);
    addEvent(totals, event);
    models.add(event);
    for (const key of groupKeys(event, groupBy, timeZone)) {
      let entry = groups.get(key);
      if (!entry) {
        entry = {
          group: { key, start: event.timestamp, end: event.timestamp, totals: emptyTotals(), byModel: [] },
          models: new ModelAccumulator(),
        };
        groups.set(key, entry);
      }
      const toolName = groupBy === 'tool' && key !== '(no tool)' ? key : undefined;
      addEvent(entry.group.totals, event, toolName);
      entry.models.add(event, toolName);
      entry.group.end = event.timestamp;
    }
    if (event.kind !== 'tool') {
      turns.push({
        index: turns.length,
        sessionId: event.sessionId,
        timestamp: event.timestamp,
        model: event.model,
        inputTokens: event.usage.inputTokens,
        cachedInputTokens: event.usage.cachedInputTokens,
        outputTokens: event.usage.outputTokens,
        cost: event.cost?.amount ?? null,
      });
    }
  }
  const maxTurns = options.maxTurns ?? 5000;
  const warnings = [...extraWarnings];
  if (totals.unpricedCalls > 0)
    warnings.push(`${totals.unpricedCalls} call(s) have no price; cost totals are partial`);
  const ordered = [...groups.values()].map(({ group, models: m }) => ({
    ...group,
    totals: finish(group.totals),
    byModel: m.list(),
  }));
  if (groupBy === 'model' || groupBy === 'tool')
    ordered.sort((a, b) => b.totals.totalTokens - a.totals.totalTokens);
  return {
    schema: 'ctxkit.usage-report/v1',
    generatedAt: (options.now ?? new Date()).toISOString(),
    groupBy,
    range: { since: since?.toISOString() ?? null, until: until?.toISOString() ?? null },
    timeZone,
    currency: 'USD',
    pricingVersions: [...versions].sort(),
    sessions: sessions.size,
    totals: finish(totals),
    byModel: models.list(),
    groups: ordered,
    turns: turns.slice(-maxTurns),
    warnings,
  };
}
