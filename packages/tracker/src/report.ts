import { CtxkitError } from '@ctxkit/core';
import { assignBlocks, type BlockSpan, blockStatus, DEFAULT_BLOCK_HOURS } from './blocks.js';
import { parseBound } from './report-dates.js';
import {
  type GroupBy,
  groupByValues,
  type ModelBreakdown,
  type ReportGroup,
  type ReportTurn,
  type UsageReport,
  type UsageTotals,
} from './schema.js';
import type { SessionRecord, UsageEvent } from './types.js';

/** How a report orders its groups. */
export type ReportSort = 'time' | 'cost' | 'tokens';

/** Options of a report. */
export interface ReportOptions {
  /**
   * Events at or after this time: a Date, an ISO-8601 instant, or a bare day (`20260131`,
   * `2026-01-31`) meaning that day's start in `timeZone`.
   */
  since?: Date | string;
  /** Events at or before this time; a bare day includes that whole day. */
  until?: Date | string;
  /**
   * Grouping of `groups`. The per-model breakdown is always included.
   * @default 'day'
   */
  groupBy?: GroupBy;
  /**
   * IANA time zone of day / week / month buckets and bare-day bounds.
   * @default 'UTC'
   */
  timeZone?: string;
  /**
   * Keep at most this many (most recent) turns for charts.
   * @default 5000
   */
  maxTurns?: number;
  /**
   * Report time, for reproducible output and active blocks.
   * @default new Date() (now)
   */
  now?: Date;
  /** Session headers, for each session's project (see {@link sessionProject}). */
  sessions?: readonly SessionRecord[];
  /** Only sessions of this project (exact project, or its last path segment). */
  project?: string;
  /** Only these sessions. */
  sessionIds?: readonly string[];
  /**
   * Group order: `'time'` (by start), `'cost'` or `'tokens'`.
   * @default 'tokens' when grouping by project, model or tool; 'time' otherwise
   */
  sort?: ReportSort;
  /**
   * `'asc'` or `'desc'`.
   * @default 'asc' when `sort` is `'time'`; 'desc' for cost and tokens
   */
  order?: 'asc' | 'desc';
  /**
   * Length of a billing block in hours (groupBy `'block'`).
   * @default 5
   */
  blockHours?: number;
  /** Only the block active at `now` (its events, with a projection); empty when none is. */
  activeBlock?: boolean;
  /** Only blocks that started in the last this many days, or are active. */
  recentDays?: number;
}

/** Parses `since` / `until` (bare days are whole days in `timeZone`; see {@link parseBound}). */
export function toDate(value: Date | string | undefined, name: string, timeZone = 'UTC'): Date | undefined {
  return parseBound(value, name, timeZone);
}

/** Project of a session that names none. */
export const NO_PROJECT = '(no project)';

/**
 * A session's project from its header's meta: `project`, else `cwd`, else `projectDir` (the Claude
 * Code projects folder name), else {@link NO_PROJECT}.
 * @param record - a session header, or `undefined` when the session has none.
 */
export function sessionProject(record: Pick<SessionRecord, 'meta'> | undefined): string {
  const meta = record?.meta ?? {};
  for (const key of ['project', 'cwd', 'projectDir']) {
    const value = meta[key];
    if (typeof value === 'string' && value.trim()) return value;
  }
  return NO_PROJECT;
}

/**
 * Whether a project name is the one asked for (exact, or its last path segment).
 * @param project - a session's project, as {@link sessionProject} gives it.
 * @param wanted - the project asked for: a full path or its last segment.
 */
export function projectMatches(project: string, wanted: string): boolean {
  if (project === wanted) return true;
  const last = project
    .replace(/[\\/]+$/, '')
    .split(/[\\/]/)
    .pop();
  return last === wanted;
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
  if (event.costReason === 'local') totals.localCalls = (totals.localCalls ?? 0) + 1;
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

function groupKeys(
  event: UsageEvent,
  groupBy: GroupBy,
  timeZone: string,
  projectOf: (sessionId: string) => string,
  blocks: Map<UsageEvent, BlockSpan> | undefined,
): string[] {
  switch (groupBy) {
    case 'day':
    case 'week':
    case 'month':
      return [periodKey(event.timestamp, groupBy, timeZone)];
    case 'session':
      return [event.sessionId];
    case 'block':
      return [new Date(blocks?.get(event)?.start ?? Date.parse(event.timestamp)).toISOString()];
    case 'project':
      return [projectOf(event.sessionId)];
    case 'model':
      return [`${event.provider}/${event.model}`];
    case 'tool': {
      const names = Object.keys(event.tools ?? {});
      return names.length > 0 ? names : [event.purpose === 'summary' ? '(summary)' : '(no tool)'];
    }
  }
}

/**
 * Builds a report from events (already de-duplicated). Every report has the same shape
 * ({@link usageReportSchema}); each event lands in exactly one group — so every grouping's groups
 * sum to the same totals — except with `groupBy: 'tool'`, where an event that called several tools
 * counts in each of their groups (the grand total never double counts).
 * @param events - the events to report on, in any order.
 * @param options - time range, grouping, filters and sort; see {@link ReportOptions}.
 * @param extraWarnings - warnings to carry into the report's `warnings`.
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
  const since = toDate(options.since, 'since', timeZone);
  const until = toDate(options.until, 'until', timeZone);
  const now = options.now ?? new Date();
  const blockHours = options.blockHours ?? DEFAULT_BLOCK_HOURS;
  if (!(blockHours > 0) || !Number.isFinite(blockHours))
    throw new CtxkitError('INVALID_ARGUMENT', 'blockHours must be a positive number', { blockHours });
  if (options.order !== undefined && options.order !== 'asc' && options.order !== 'desc')
    throw new CtxkitError('INVALID_ARGUMENT', 'order must be asc or desc', { order: options.order });
  const sort = options.sort ?? (['model', 'tool', 'project'].includes(groupBy) ? 'tokens' : 'time');
  if (!['time', 'cost', 'tokens'].includes(sort))
    throw new CtxkitError('INVALID_ARGUMENT', 'sort must be time, cost or tokens', { sort });
  const headers = new Map((options.sessions ?? []).map((s) => [s.sessionId, s]));
  const projectOf = (sessionId: string) => sessionProject(headers.get(sessionId));
  const only = options.sessionIds ? new Set(options.sessionIds) : undefined;

  let selected = [...events]
    .filter((event) => {
      const t = Date.parse(event.timestamp);
      if ((since && t < since.getTime()) || (until && t > until.getTime())) return false;
      if (only && !only.has(event.sessionId)) return false;
      return options.project === undefined || projectMatches(projectOf(event.sessionId), options.project);
    })
    .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  // Blocks run over all sessions at once (a usage limit is per account, not per session).
  let blocks = groupBy === 'block' || options.activeBlock ? assignBlocks(selected, blockHours) : undefined;
  if (blocks && (options.activeBlock || options.recentDays !== undefined)) {
    const cutoff = now.getTime() - (options.recentDays ?? 0) * 86_400_000;
    const keep = (span: BlockSpan) => {
      const active = blockStatus(span, { totalTokens: 0, cost: null }, now).active;
      return options.activeBlock ? active : active || span.start >= cutoff;
    };
    selected = selected.filter((e) => keep(blocks!.get(e)!));
    blocks = assignBlocks(selected, blockHours);
  }

  const totals = emptyTotals();
  const models = new ModelAccumulator();
  type Entry = {
    group: ReportGroup;
    models: ModelAccumulator;
    sessions: Set<string>;
    span?: BlockSpan;
  };
  const groups = new Map<string, Entry>();
  const turns: ReportTurn[] = [];
  const sessions = new Set<string>();
  const versions = new Set<string>();
  for (const event of selected) {
    sessions.add(event.sessionId);
    if (event.cost) versions.add(event.cost.pricingVersion);
    addEvent(totals, event);
    models.add(event);
    for (const key of groupKeys(event, groupBy, timeZone, projectOf, blocks)) {
      let entry = groups.get(key);
      if (!entry) {
        const span = blocks?.get(event);
        entry = {
          group: {
            key,
            start: groupBy === 'block' && span ? new Date(span.start).toISOString() : event.timestamp,
            end: event.timestamp,
            totals: emptyTotals(),
            byModel: [],
          },
          models: new ModelAccumulator(),
          sessions: new Set(),
          ...(groupBy === 'block' && span ? { span } : {}),
        };
        if (groupBy === 'session') {
          const project = headers.get(key) ? projectOf(key) : undefined;
          if (project !== undefined && project !== NO_PROJECT) entry.group.project = project;
        }
        groups.set(key, entry);
      }
      const toolName = groupBy === 'tool' && key !== '(no tool)' && key !== '(summary)' ? key : undefined;
      addEvent(entry.group.totals, event, toolName);
      entry.models.add(event, toolName);
      entry.sessions.add(event.sessionId);
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
  const ordered = [...groups.values()].map(({ group, models: m, sessions: s, span }) => {
    const out: ReportGroup = { ...group, totals: finish(group.totals), byModel: m.list(), sessions: s.size };
    if (span) out.block = blockStatus(span, out.totals, now);
    return out;
  });
  const measure = (g: ReportGroup) =>
    sort === 'cost' ? (g.totals.cost ?? 0) : sort === 'tokens' ? g.totals.totalTokens : Date.parse(g.start!);
  const direction = (options.order ?? (sort === 'time' ? 'asc' : 'desc')) === 'asc' ? 1 : -1;
  ordered.sort((a, b) => direction * (measure(a) - measure(b)) || a.key.localeCompare(b.key));
  return {
    schema: 'ctxkit.usage-report/v1',
    generatedAt: now.toISOString(),
    groupBy,
    range: { since: since?.toISOString() ?? null, until: until?.toISOString() ?? null },
    ...(options.project !== undefined ? { project: options.project } : {}),
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
