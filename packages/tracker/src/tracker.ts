import { randomUUID } from 'node:crypto';
import { type AnyToolDefinition, CtxkitError, type Message } from '@ctxkit/core';
import { type CountText, estimateBreakdown } from './estimate.js';
import { type NormalizedUsage, normalizeUsage, type UsageShape } from './normalize/index.js';
import { isRecord } from './normalize/read.js';
import { Pricing, type PricingOptions } from './pricing.js';
import { addEvent, buildReport, emptyTotals, type ReportOptions, toDate } from './report.js';
import type { ModelBreakdown, UsageReport, UsageTotals } from './schema.js';
import { tokenUsageSchema } from './schema.js';
import { JsonlUsageStore } from './store/jsonl.js';
import type { RetentionPolicy, UsageStore } from './store/types.js';
import type {
  CategoryBreakdown,
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
  /** Where history goes; default a {@link JsonlUsageStore} in the XDG data directory. */
  store?: UsageStore;
  /** A {@link Pricing} instance or its options (overrides per model). */
  pricing?: Pricing | PricingOptions;
  /** Token counter used by {@link TokenUsageTracker.trackMessageTokens} (inject any tokenizer). */
  count?: CountText;
  /** Retention applied once, at the first `startSession` (when the store supports `compact`). */
  retention?: RetentionPolicy;
  /** Clock, for reproducible tests. */
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
  startedAt: string;
  lastActivity: string;
  provider: string;
  model: string;
  models: string[];
  totals: UsageTotals;
  meta?: Record<string, string | number | boolean>;
}

/** Filter of {@link TokenUsageTracker.sessions}. */
export interface SessionQuery {
  since?: Date | string;
  until?: Date | string;
  /** Sessions that used this model (exact name). */
  model?: string;
  provider?: string;
  /** Most recent first; keep this many. */
  limit?: number;
}

interface LiveSession {
  record: SessionRecord;
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

  constructor(options: TokenUsageTrackerOptions = {}) {
    this.store = options.store ?? new JsonlUsageStore();
    this.pricing = options.pricing instanceof Pricing ? options.pricing : new Pricing(options.pricing);
    this.count = options.count;
    this.retention = options.retention;
    this.now = options.now ?? (() => new Date());
  }

  /** Starts (or resumes, with `modelInfo.sessionId`) a session and returns its id. Ends the previous one. */
  startSession(modelInfo: ModelInfo): string {
    if (!modelInfo || typeof modelInfo.provider !== 'string' || typeof modelInfo.model !== 'string') {
      throw new CtxkitError('INVALID_ARGUMENT', 'startSession needs { provider, model }');
    }
    if (this.live) void this.endSession();
    const record: SessionRecord = {
      sessionId: modelInfo.sessionId ?? randomUUID(),
      startedAt: this.now().toISOString(),
      provider: modelInfo.provider,
      model: modelInfo.model,
      ...(modelInfo.contextWindow !== undefined ? { contextWindow: modelInfo.contextWindow } : {}),
      ...(modelInfo.meta ? { meta: modelInfo.meta } : {}),
    };
    this.live = {
      record,
      events: [],
      ids: new Set(),
      pendingTools: {},
      pendingBreakdown: undefined,
      warnings: [],
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
   * Throws `CtxkitError('INVALID_ARGUMENT')` synchronously for unusable input (unknown shape, negative or
   * NaN counts), so nothing invalid ever reaches the store. A repeated id is dropped with a warning.
   */
  record(input: UsageEventInput | unknown, options: RecordOptions = {}): Promise<UsageEvent> {
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
    durable.catch((error: unknown) => {
      session.warnings.push({
        code: 'FLUSH_FAILED',
        message: `event ${event.id} not stored: ${(error as Error).message}`,
        sessionId: event.sessionId,
      });
    });
    return durable;
  }

  private implicitSession(input: unknown, options: RecordOptions): LiveSession {
    const provider = options.provider ?? (isEventInput(input) ? input.provider : undefined) ?? 'unknown';
    const model = options.model ?? (isEventInput(input) ? input.model : undefined) ?? 'unknown';
    this.startSession({ provider, model });
    return this.live!;
  }

  private fromInput(input: UsageEventInput, session: LiveSession): UsageEvent {
    const parsed = tokenUsageSchema.safeParse({
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      ...input.usage,
    });
    if (!parsed.success) {
      throw new CtxkitError('INVALID_ARGUMENT', `invalid usage: ${parsed.error.issues[0]?.message}`, {
        path: parsed.error.issues[0]?.path.join('.'),
      });
    }
    const warnings: string[] = [];
    const usage = clampUsage(parsed.data as TokenUsage, warnings);
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
    // Tool activity and the prompt breakdown measured since the last call belong to this call.
    const tools = mergeTools(session.pendingTools, e.tools);
    session.pendingTools = {};
    const breakdown = e.breakdown ?? session.pendingBreakdown;
    session.pendingBreakdown = undefined;
    const priced =
      kind === 'tool'
        ? { cost: null, reason: 'tool activity, no model call' }
        : this.pricing.price(provider, model, e.usage, timestamp);
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
    if (e.warnings.length > 0) event.warnings = e.warnings;
    return event;
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
    session.pendingTools[toolName] = entry;
    entry.count += Math.round(count);
    entry.resultTokens += Math.round(resultTokens);
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
      warnings: [...session.warnings],
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
    const since = toDate(query.since, 'since');
    const until = toDate(query.until, 'until');
    const { sessions, events } = await this.store.read({ since, until });
    const byId = new Map<string, SessionSummary>();
    for (const s of sessions) {
      byId.set(s.sessionId, {
        sessionId: s.sessionId,
        startedAt: s.startedAt,
        lastActivity: s.startedAt,
        provider: s.provider,
        model: s.model,
        models: [],
        totals: emptyTotals(),
        ...(s.meta ? { meta: s.meta } : {}),
      });
    }
    const eventSessions = new Set<string>();
    for (const e of events) {
      eventSessions.add(e.sessionId);
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
      addEvent(summary.totals, e);
      if (!summary.models.includes(e.model)) summary.models.push(e.model);
      if (e.timestamp > summary.lastActivity) summary.lastActivity = e.timestamp;
    }
    let list = [...byId.values()].filter((s) => {
      // With a time range, a session is in it when it has calls in it.
      if ((since || until) && !eventSessions.has(s.sessionId)) return false;
      if (query.model && !s.models.includes(query.model) && s.model !== query.model) return false;
      if (query.provider && s.provider !== query.provider) return false;
      return true;
    });
    for (const s of list)
      if (s.totals.calls > 0 && s.totals.unpricedCalls === s.totals.calls) s.totals.cost = null;
    list.sort((a, b) => b.lastActivity.localeCompare(a.lastActivity));
    if (query.limit !== undefined) list = list.slice(0, query.limit);
    return list;
  }

  /** A report over stored history (see {@link usageReportSchema} for its one shape). */
  async report(options: ReportOptions = {}): Promise<UsageReport> {
    const since = toDate(options.since, 'since');
    const until = toDate(options.until, 'until');
    const { events, warnings, duplicates } = await this.store.read({ since, until });
    const notes = warnings.map((w) => `${w.code}: ${w.message}${w.file ? ` (${w.file}:${w.line})` : ''}`);
    if (duplicates > 0) notes.push(`${duplicates} duplicate record(s) ignored`);
    return buildReport(events, { now: this.now(), ...options }, notes);
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
