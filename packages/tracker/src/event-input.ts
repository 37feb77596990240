import { randomUUID } from 'node:crypto';
import { checkOptionKeys } from '@ctxkit/core';
import type { LiveSession } from './live-session.js';
import { type NormalizedUsage, normalizeUsage, type UsageShape } from './normalize/index.js';
import { isRecord } from './normalize/read.js';
import type { Pricing } from './pricing.js';
import { toDate } from './report.js';
import { parseStrict, strictTokenUsageSchema, strictUsageEventSchema } from './schema.js';
import type {
  CategoryBreakdown,
  Compaction,
  Latency,
  SessionRecord,
  TokenUsage,
  ToolUsage,
  UsageEvent,
  UsageSource,
} from './types.js';

// What `TokenUsageTracker.record()` turns into a stored event: an already-normalized input or a raw
// provider response (dispatched to its normalizer), priced, with the session's pending tool activity
// and prompt breakdown attached.

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

export const RECORD_OPTION_KEYS = {
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

/** What building an event needs from the tracker: its prices and its clock. */
export interface EventContext {
  pricing: Pricing;
  now: () => Date;
}

/** Our own event input (camelCase usage without the AI SDK's `totalTokens` / detail objects). */
export function isEventInput(input: unknown): input is UsageEventInput {
  if (!isRecord(input) || !isRecord(input.usage)) return false;
  const usage = input.usage;
  return (
    'inputTokens' in usage &&
    'outputTokens' in usage &&
    !('totalTokens' in usage) &&
    !('inputTokenDetails' in usage)
  );
}

/** The event of an already-normalized input; throws `INVALID_ARGUMENT` for an unknown key or count. */
export function eventFromInput(
  input: UsageEventInput,
  session: LiveSession,
  context: EventContext,
): UsageEvent {
  checkOptionKeys(input, EVENT_INPUT_KEYS, 'usage event input');
  const parsed = parseStrict(
    strictTokenUsageSchema,
    { cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, ...input.usage },
    'usage',
  );
  const warnings: string[] = [];
  const usage = clampUsage(parsed as TokenUsage, warnings);
  return buildEvent(session, context, {
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

/** The event of a raw provider response, normalized by the shape `options` or the session names. */
export function eventFromRaw(
  raw: unknown,
  options: RecordOptions,
  session: LiveSession,
  context: EventContext,
): UsageEvent {
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
  return buildEvent(session, context, {
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

function buildEvent(
  session: LiveSession,
  context: EventContext,
  e: Omit<UsageEventInput, 'usage'> & { usage: TokenUsage; warnings: string[] },
): UsageEvent {
  const timestamp = toDate(e.timestamp, 'timestamp') ?? context.now();
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
      : context.pricing.price(provider, model, e.usage, timestamp, priceContext(session.record));
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

/** A session's endpoint from its meta (`baseUrl` or `baseURL`), so a loopback server prices as local. */
function priceContext(record: SessionRecord): { baseUrl?: string } {
  const url = record.meta?.baseUrl ?? record.meta?.baseURL;
  return typeof url === 'string' ? { baseUrl: url } : {};
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
