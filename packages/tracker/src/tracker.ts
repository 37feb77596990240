import { randomUUID } from 'node:crypto';
import { type AnyToolDefinition, CtxkitError, type Message } from '@ctxkit/core';
import { type CountText, estimateBreakdown } from './estimate.js';
import { type NormalizedUsage, normalizeUsage, type UsageShape } from './normalize/index.js';
import { isRecord } from './normalize/read.js';
import { checkOptionKeys } from './options.js';
import { Pricing, type PricingOptions } from './pricing.js';
import {
  addEvent,
  buildReport,
  emptyTotals,
  NO_PROJECT,
  projectMatches,
  type ReportOptions,
  sessionProject,
  toDate,
} from './report.js';
import type { ModelBreakdown, UsageReport, UsageTotals } from './schema.js';
import {
  parseStrict,
  strictSessionRecordSchema,
  strictTokenUsageSchema,
  strictUsageEventSchema,
} from './schema.js';
import { JsonlUsageStore } from './store/jsonl.js';
import { checkRetentionPolicy } from './store/retention.js';
import type { RetentionPolicy, UsageStore } from './store/types.js';
import type {
  CategoryBreakdown,
  Compaction,
  Latency,
  ModelInfo,
  SessionRecord,
  TokenUsage,
  ToolUsage,
  UsageEvent,
  UsageSource,
  UsageWarning,
} from './types.js';

/** Options of {@link TokenUsageTracker}. */
export interface TokenUsageTrackerOptions {
  /**
   * Where history goes.
   * @default a new {@link JsonlUsageStore} in the XDG data directory
   */
  store?: UsageStore;
  /**
   * A {@link Pricing} instance or its options (overrides per model).
   * @default a new {@link Pricing} with the built-in catalog and no overrides
   */
  pricing?: Pricing | PricingOptions;
  /**
   * Token counter used by {@link TokenUsageTracker.trackMessageTokens} (inject any tokenizer).
   * @default undefined (`trackMessageTokens` then throws `INVALID_ARGUMENT`)
   */
  count?: CountText;
  /**
   * Retention applied once, at the first `startSession` (when the store supports `compact`).
   * @default undefined (nothing is removed)
   */
  retention?: RetentionPolicy;
  /**
   * Clock, for reproducible tests.
   * @default () => new Date()
   */
  now?: () => Date;
}

/** An already-normalized event to record; missing fields come from the current session. */
export interface UsageEventInput {
  usage: Partial<TokenUsage> & Pick<TokenUsage, 'inputTokens' | 'outputTokens'>;
  id?: string;
  sessionId?: string;
  timestamp?: Date | string;
  provider?: string;
  model?: string;
  source?: UsageSource;
  kind?: 'call' | 'tool';
  breakdown?: CategoryBreakdown;
  tools?: Record<string, ToolUsage>;
  latency?: Latency;
  /** See {@link UsageEvent.purpose}. */
  purpose?: 'summary';
  /** See {@link UsageEvent.compaction}. */
  compaction?: Compaction;
}

/** Options of {@link TokenUsageTracker.record} for a raw provider response. */
export interface RecordOptions {
  /** Provider shape of the raw response (default: the session's provider, then detection). */
  shape?: UsageShape | string;
  provider?: string;
  model?: string;
  /** Event id; default the response id, else a random UUID. */
  id?: string;
  timestamp?: Date | string;
  /** Wall time of the call, when the caller measured it. */
  latencyMs?: number;
  /** Tools the response called (name → count); result tokens come later via `trackToolUsage`. */
  tools?: Record<string, number>;
  /** `'summary'` for a call that summarized the conversation (see {@link UsageEvent.purpose}). */
  purpose?: 'summary';
  /** The compaction of this call's request, when there was one (see {@link UsageEvent.compaction}). */
  compaction?: Compaction;
}

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

const TRACKER_OPTION_KEYS = {
  store: true,
  pricing: true,
  count: true,
  retention: true,
  now: true,
} satisfies Record<keyof TokenUsageTrackerOptions, true>;

const MODEL_INFO_KEYS = {
  provider: true,
  model: true,
  sessionId: true,
  contextWindow: true,
  meta: true,
} satisfies Record<keyof ModelInfo, true>;

const RECORD_OPTION_KEYS = {
  shape: true,
  provider: true,
  model: true,
  id: true,
  timestamp: true,
  latencyMs: true,
  tools: true,
  purpose: true,
  compaction: true,
} satisfies Record<keyof RecordOptions, true>;

const EVENT_INPUT_KEYS = {
  usage: true,
  id: true,
  sessionId: true,
  timestamp: true,
  provider: true,
  model: true,
  source: true,
  kind: true,
  breakdown: true,
  tools: true,
  latency: true,
  purpose: true,
  compaction: true,
} satisfies Record<keyof UsageEventInput, true>;

/** Events not stored that get a warning each; beyond, one summary warning counts the rest. */
const MAX_FLUSH_WARNINGS = 100;

interface LiveSession {
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

/**
 * Tracks token usage per session: normalizes provider responses, prices them offline, keeps live totals
 * and writes every call to a persistent store. `record()` costs microseconds (the store buffers) and
 * resolves once the event is durable.
 *
 * @example
 * ```ts
 * const tracker = new TokenUsageTracker({ store: new JsonlUsageStore() });
 * tracker.startSession({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
 * await tracker.record(anthropicResponse);
 * console.log(tracker.getCurrentUsage().totals.cost);
 * ```
 */
export class TokenUsageTracker {
  /** The store history is written to. */
  readonly store: UsageStore;
  /** The pricing used for new events. */
  readonly pricing: Pricing;
  private readonly count: CountText | undefined;
  private readonly retention: RetentionPolicy | undefined;
  private readonly now: () => Date;
  private live: LiveSession | undefined;
  private compacted = false;

  /**
   * @param options - see {@link TokenUsageTrackerOptions}; an unknown key (or retention key) throws
   *   `CtxkitError('INVALID_ARGUMENT')`
   */
  constructor(options: TokenUsageTrackerOptions = {}) {
    checkOptionKeys(options, TRACKER_OPTION_KEYS, 'TokenUsageTracker options');
    checkRetentionPolicy(options.retention);
    this.store = options.store ?? new JsonlUsageStore();
    this.pricing = options.pricing instanceof Pricing ? options.pricing : new Pricing(options.pricing);
    this.count = options.count;
    this.retention = options.retention;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Starts (or resumes, with `modelInfo.sessionId`) a session and returns its id. Ends the previous one.
   * @param modelInfo - the session's `provider` and `model`; optionally its `sessionId`, `contextWindow` and `meta`.
   */
  startSession(modelInfo: ModelInfo): string {
    if (!modelInfo || typeof modelInfo.provider !== 'string' || typeof modelInfo.model !== 'string') {
      throw new CtxkitError('INVALID_ARGUMENT', 'startSession needs { provider, model }');
    }
    checkOptionKeys(modelInfo, MODEL_INFO_KEYS, 'startSession model info');
    // Checked before anything changes: a header the store would refuse must not end the current session.
    const record = parseStrict(
      strictSessionRecordSchema,
      {
        sessionId: modelInfo.sessionId ?? randomUUID(),
        startedAt: this.now().toISOString(),
        provider: modelInfo.provider,
        model: modelInfo.model,
        ...(modelInfo.contextWindow !== undefined ? { contextWindow: modelInfo.contextWindow } : {}),
        ...(modelInfo.meta ? { meta: modelInfo.meta } : {}),
      },
      'session',
    ) as SessionRecord;
    if (this.live) void this.endSession();
    this.live = {
      record,
      events: [],
      ids: new Set(),
      pendingTools: {},
      pendingBreakdown: undefined,
      warnings: [],
      notStored: 0,
    };
    const live = this.live;
    this.store.startSession(record).catch((error: unknown) => {
      live.warnings.push({
        code: 'FLUSH_FAILED',
        message: `session header not stored: ${(error as Error).message}`,
      });
    });
    if (!this.compacted && this.retention && this.store.compact) {
      this.compacted = true;
      this.store.compact(this.retention).catch((error: unknown) => {
        this.live?.warnings.push({
          code: 'FLUSH_FAILED',
          message: `retention failed: ${(error as Error).message}`,
        });
      });
    }
    return record.sessionId;
  }

  /** The current session id, if one is open. */
  get sessionId(): string | undefined {
    return this.live?.record.sessionId;
  }

  /**
   * Records one model call: an already-normalized {@link UsageEventInput} or any raw provider response
   * (OpenAI, Anthropic message or stream events, Gemini, Ollama, AI SDK…). Synchronously validates,
   * prices and buffers it, and returns a promise that resolves with the event once it is durable.
   * Throws `CtxkitError('INVALID_ARGUMENT')` synchronously for unusable input, so the store never
   * acknowledges what its reader would reject: every number stored (token and tool counts, cost,
   * latency) must be finite, non-negative and, for counts, an integer no larger than 2^53 - 1 (so
   * `prompt_tokens: 1e306`, `latencyMs: NaN` or a tool count given as a string are refused, never
   * clamped); an unknown key in the options or in an event input is refused too. The only changes made
   * are lossless or announced: `-0` is stored as `0`, and cache parts larger than the input raise the
   * input with an `INVALID_USAGE` warning. A repeated id is dropped with a warning.
   * @param input - a raw provider response or a normalized {@link UsageEventInput}.
   * @param options - the provider shape, model, id, latency and tools of the call; see {@link RecordOptions}.
   */
  record(input: UsageEventInput | unknown, options: RecordOptions = {}): Promise<UsageEvent> {
    checkOptionKeys(options, RECORD_OPTION_KEYS, 'record options');
    const session = this.live ?? this.implicitSession(input, options);
    const event = isEventInput(input)
      ? this.fromInput(input, session)
      : this.fromRaw(input, options, session);
    if (session.ids.has(event.id)) {
      session.warnings.push({
        code: 'DUPLICATE',
        message: `event ${event.id} recorded twice; the second copy was dropped`,
        sessionId: event.sessionId,
      });
      return Promise.resolve(session.events.find((e) => e.id === event.id) ?? event);
    }
    session.ids.add(event.id);
    session.events.push(event);
    if (event.warnings?.length) {
      for (const message of event.warnings) {
        session.warnings.push({ code: 'INVALID_USAGE', message, sessionId: event.sessionId });
      }
    }
    const durable = this.store.append(event).then(() => event);
    // Fire-and-forget callers must not get an unhandled rejection; awaiting callers still see it.
    durable.catch((error: unknown) => notStored(session, event, error));
    return durable;
  }

  private implicitSession(input: unknown, options: RecordOptions): LiveSession {
    const provider = options.provider ?? (isEventInput(input) ? input.provider : undefined) ?? 'unknown';
    const model = options.model ?? (isEventInput(input) ? input.model : undefined) ?? 'unknown';
    this.startSession({ provider, model });
    return this.live!;
  }

  private fromInput(input: UsageEventInput, session: LiveSession): UsageEvent {
    checkOptionKeys(input, EVENT_INPUT_KEYS, 'usage event input');
    const parsed = parseStrict(
      strictTokenUsageSchema,
      { cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, ...input.usage },
      'usage',
    );
    const warnings: string[] = [];
    const usage = clampUsage(parsed as TokenUsage, warnings);
    return this.finish(session, {
      id: input.id,
      sessionId: input.sessionId,
      timestamp: input.timestamp,
      provider: input.provider,
      model: input.model,
      usage,
      source: input.source ?? 'provider',
      kind: input.kind,
      breakdown: input.breakdown,
      tools: input.tools,
      latency: input.latency,
      purpose: input.purpose,
      compaction: input.compaction,
      warnings,
    });
  }

  private fromRaw(raw: unknown, options: RecordOptions, session: LiveSession): UsageEvent {
    const normalized: NormalizedUsage = normalizeUsage(options.shape ?? session.record.provider, raw);
    const latency = {
      ...normalized.latency,
      ...(options.latencyMs !== undefined ? { totalMs: options.latencyMs } : {}),
    };
    const tools = options.tools
      ? Object.fromEntries(
          Object.entries(options.tools).map(([name, count]) => [name, { count, resultTokens: 0 }]),
        )
      : undefined;
    return this.finish(session, {
      id: options.id ?? normalized.responseId,
      timestamp: options.timestamp,
      provider: options.provider ?? (session.record.provider === 'unknown' ? normalized.provider : undefined),
      model: options.model ?? normalized.model,
      usage: normalized.usage,
      source: 'provider',
      latency: Object.keys(latency).length > 0 ? latency : undefined,
      tools,
      purpose: options.purpose,
      compaction: options.compaction,
      warnings: normalized.warnings,
    });
  }

  private finish(
    session: LiveSession,
    e: Omit<UsageEventInput, 'usage'> & { usage: TokenUsage; warnings: string[] },
  ): UsageEvent {
    const timestamp = toDate(e.timestamp, 'timestamp') ?? this.now();
    const provider = e.provider ?? session.record.provider;
    const model = e.model ?? session.record.model;
    const kind = e.kind ?? 'call';
    // Tool activity and the prompt breakdown measured since the last call belong to this call (they
    // are consumed only once the event is known valid, so a refused call does not lose them).
    const tools = mergeTools(session.pendingTools, e.tools);
    const breakdown = e.breakdown ?? session.pendingBreakdown;
    const priced =
      kind === 'tool'
        ? { cost: null, reason: 'tool activity, no model call' }
        : this.pricing.price(provider, model, e.usage, timestamp, priceContext(session.record));
    const event: UsageEvent = {
      id: e.id ?? randomUUID(),
      sessionId: e.sessionId ?? session.record.sessionId,
      timestamp: timestamp.toISOString(),
      provider,
      model,
      usage: e.usage,
      source: e.source ?? 'provider',
      cost: priced.cost,
      costReason: priced.reason,
    };
    if (kind !== 'call') event.kind = kind;
    if (breakdown) event.breakdown = breakdown;
    if (Object.keys(tools).length > 0) event.tools = tools;
    if (e.latency) event.latency = e.latency;
    if (e.purpose === 'summary' && kind === 'call') event.purpose = 'summary';
    if (e.compaction && kind === 'call') event.compaction = e.compaction;
    if (e.warnings.length > 0) event.warnings = e.warnings;
    // The store's own schema, strictly: what record() resolves for is exactly what the reader returns.
    const checked = parseStrict(strictUsageEventSchema, event, 'usage event') as UsageEvent;
    session.pendingTools = {};
    session.pendingBreakdown = undefined;
    return checked;
  }

  /**
   * Original-request alias: estimates the prompt's breakdown by category (system, user, assistant, tool
   * definitions, tool results) with the injected `count` function. The breakdown is attached to the next
   * recorded call; when the provider reports no usage, pass `{ record: true, outputTokens }` to record
   * the estimate itself as an event with `source: 'estimate'`.
   */
  trackMessageTokens(
    messages: readonly Message[],
    options: { tools?: readonly AnyToolDefinition[]; record?: boolean; outputTokens?: number } = {},
  ): CategoryBreakdown {
    if (!this.count) {
      throw new CtxkitError(
        'INVALID_ARGUMENT',
        'trackMessageTokens needs a count function (TokenUsageTracker({ count }))',
      );
    }
    const session = this.requireSession();
    const estimate = estimateBreakdown(messages, this.count, options.tools);
    // A count function returning NaN or a fraction must fail here, not poison the next record().
    for (const [category, value] of Object.entries(estimate.breakdown)) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new CtxkitError(
          'INVALID_ARGUMENT',
          `trackMessageTokens: the count function gave ${category} ${value} (not a non-negative integer)`,
          { category, value: String(value) },
        );
      }
    }
    session.pendingBreakdown = estimate.breakdown;
    if (options.record) {
      void this.record({
        usage: { inputTokens: estimate.total, outputTokens: options.outputTokens ?? 0 },
        source: 'estimate',
      }).catch(() => {});
    }
    return estimate.breakdown;
  }

  /**
   * Original-request alias: records a tool's use and the tokens its result added to the context. It is
   * attached to the next recorded call (the call that reads the result); left over at `endSession`, it
   * is stored as tool activity (`kind: 'tool'`).
   * @param toolName - the tool's name, e.g. `bash`.
   * @param resultTokens - tokens the result added to the context.
   * @param count - how many calls of the tool this records.
   */
  trackToolUsage(toolName: string, resultTokens = 0, count = 1): void {
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
    const session = this.requireSession();
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

  /** Original-request alias: live totals of the current session (synchronous, from memory). */
  getCurrentUsage(): SessionUsage {
    const session = this.requireSession();
    const report = buildReport(session.events, { groupBy: 'model', now: this.now() });
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

  /** Original-request alias of {@link TokenUsageTracker.sessions}. */
  getSessionHistory(query: SessionQuery = {}): Promise<SessionSummary[]> {
    return this.sessions(query);
  }

  /**
   * Stored sessions with their totals (over the queried range), most recent activity first. With
   * `since` / `until`, only sessions with calls in the range are listed.
   */
  async sessions(query: SessionQuery = {}): Promise<SessionSummary[]> {
    const since = toDate(query.since, 'since', query.timeZone);
    const until = toDate(query.until, 'until', query.timeZone);
    const { sessions, events } = await this.store.read({ since, until });
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
      if ((since || until) && !eventSessions.has(s.sessionId)) return false;
      if (query.model && !s.models.includes(query.model) && s.model !== query.model) return false;
      if (query.provider && s.provider !== query.provider) return false;
      if (query.project !== undefined && !projectMatches(s.project ?? NO_PROJECT, query.project))
        return false;
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

  /**
   * A report over stored history (see {@link usageReportSchema} for its one shape).
   * @param options - time range, grouping, filters and sort; see {@link ReportOptions}.
   */
  async report(options: ReportOptions = {}): Promise<UsageReport> {
    const since = toDate(options.since, 'since', options.timeZone);
    const until = toDate(options.until, 'until', options.timeZone);
    const { events, sessions, warnings, duplicates } = await this.store.read({
      since,
      until,
      ...(options.sessionIds ? { sessionIds: options.sessionIds } : {}),
    });
    const notes = warnings.map((w) => `${w.code}: ${w.message}${w.file ? ` (${w.file}:${w.line})` : ''}`);
    if (duplicates > 0) notes.push(`${duplicates} duplicate record(s) ignored`);
    return buildReport(
      events,
      { now: this.now(), sessions, ...options, ...(since ? { since } : {}), ...(until ? { until } : {}) },
      notes,
    );
  }

  /** Original-request alias of {@link TokenUsageTracker.report}. */
  generateReport(options: ReportOptions = {}): Promise<UsageReport> {
    return this.report(options);
  }

  /** Ends the current session: stores leftover tool activity and flushes durably. */
  async endSession(): Promise<void> {
    const session = this.live;
    if (!session) return;
    if (Object.keys(session.pendingTools).length > 0) {
      void this.record({ usage: { inputTokens: 0, outputTokens: 0 }, kind: 'tool' });
    }
    this.live = undefined;
    await this.store.endSession(session.record.sessionId);
  }

  /** Ends the session and closes the store (removing its exit handlers). */
  async close(): Promise<void> {
    await this.endSession();
    await this.store.close();
  }

  private requireSession(): LiveSession {
    if (!this.live) throw new CtxkitError('INVALID_ARGUMENT', 'no session: call startSession() first');
    return this.live;
  }
}

/** A session's endpoint from its meta (`baseUrl` or `baseURL`), so a loopback server prices as local. */
function priceContext(record: SessionRecord): { baseUrl?: string } {
  const url = record.meta?.baseUrl ?? record.meta?.baseURL;
  return typeof url === 'string' ? { baseUrl: url } : {};
}

/** Our own event input (camelCase usage without the AI SDK's `totalTokens` / detail objects). */
function isEventInput(input: unknown): input is UsageEventInput {
  if (!isRecord(input) || !isRecord(input.usage)) return false;
  const usage = input.usage;
  return (
    'inputTokens' in usage &&
    'outputTokens' in usage &&
    !('totalTokens' in usage) &&
    !('inputTokenDetails' in usage)
  );
}

function clampUsage(usage: TokenUsage, warnings: string[]): TokenUsage {
  const out = { ...usage };
  if (out.cachedInputTokens + out.cacheWriteTokens > out.inputTokens) {
    warnings.push('cache tokens exceed input tokens; input raised to their sum');
    out.inputTokens = out.cachedInputTokens + out.cacheWriteTokens;
  }
  if (out.reasoningTokens > out.outputTokens) {
    warnings.push('reasoning tokens exceed output tokens; output raised');
    out.outputTokens = out.reasoningTokens;
  }
  return out;
}

function notStored(session: LiveSession, event: UsageEvent, error: unknown): void {
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

function mergeTools(
  a: Record<string, ToolUsage>,
  b: Record<string, ToolUsage> | undefined,
): Record<string, ToolUsage> {
  const out: Record<string, ToolUsage> = {};
  for (const source of [a, b ?? {}]) {
    for (const [name, t] of Object.entries(source)) {
      if (!out[name]) out[name] = { count: 0, resultTokens: 0 };
      const entry = out[name];
      entry.count += t.count;
      entry.resultTokens += t.resultTokens;
    }
  }
  return out;
}
