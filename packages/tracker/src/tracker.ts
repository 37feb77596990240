import { randomUUID } from 'node:crypto';
import { type AnyToolDefinition, CtxkitError, checkOptionKeys, type Message } from '@ctxkit/core';
import { type CountText, estimateBreakdown } from './breakdown-estimate.js';
import {
  type EventContext,
  eventFromInput,
  eventFromRaw,
  isEventInput,
  RECORD_OPTION_KEYS,
  type RecordOptions,
  type UsageEventInput,
} from './event-input.js';
import {
  addPendingTool,
  checkToolUsage,
  currentUsage,
  type LiveSession,
  newLiveSession,
  notStored,
  type SessionUsage,
  setPendingBreakdown,
} from './live-session.js';
import { Pricing, type PricingOptions } from './pricing.js';
import { buildReport, type ReportOptions, toDate } from './report.js';
import type { UsageReport } from './schema.js';
import { parseStrict, strictSessionRecordSchema } from './schema.js';
import { type SessionQuery, type SessionSummary, summarizeSessions } from './session-summaries.js';
import { JsonlUsageStore } from './store/jsonl.js';
import { checkRetentionPolicy } from './store/retention.js';
import type { RetentionPolicy, UsageStore } from './store/types.js';
import type { CategoryBreakdown, ModelInfo, SessionRecord, UsageEvent } from './types.js';

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
   * Retention applied once, at the first `startSession` (when the store supports `applyRetention`).
   * @default undefined (nothing is removed)
   */
  retention?: RetentionPolicy;
  /**
   * Clock, for reproducible tests.
   * @default () => new Date()
   */
  now?: () => Date;
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
  private readonly eventContext: EventContext;
  private live: LiveSession | undefined;
  private retentionApplied = false;

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
    this.eventContext = { pricing: this.pricing, now: this.now };
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
    this.live = newLiveSession(record);
    const live = this.live;
    this.store.startSession(record).catch((error: unknown) => {
      live.warnings.push({
        code: 'FLUSH_FAILED',
        message: `session header not stored: ${(error as Error).message}`,
      });
    });
    const store = this.store;
    if (!this.retentionApplied && this.retention && (store.applyRetention || store.compact)) {
      this.retentionApplied = true;
      // A store written against the former interface has only `compact`.
      const run = store.applyRetention
        ? store.applyRetention(this.retention)
        : store.compact!(this.retention);
      run.catch((error: unknown) => {
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
      ? eventFromInput(input, session, this.eventContext)
      : eventFromRaw(input, options, session, this.eventContext);
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
    setPendingBreakdown(session, estimate.breakdown);
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
    checkToolUsage(toolName, resultTokens, count);
    addPendingTool(this.requireSession(), toolName, resultTokens, count);
  }

  /** Original-request alias: live totals of the current session (synchronous, from memory). */
  getCurrentUsage(): SessionUsage {
    return currentUsage(this.requireSession(), this.now());
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
    const read = await this.store.read({ since, until });
    return summarizeSessions(read, query, since !== undefined || until !== undefined);
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
