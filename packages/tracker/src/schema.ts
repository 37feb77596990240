import { CtxkitError } from '@ctxkit/core';
import { z } from 'zod';

const count = z.number().int().nonnegative();
const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'ISO-8601 date');

/**
 * A stored token count: a safe integer (so sums and prices stay exact and finite), never negative; a
 * `-0` is written as `0` (the only normalization, and a lossless one).
 */
const storedCount = count.overwrite((n) => n + 0);
const storedNumber = z
  .number()
  .nonnegative()
  .overwrite((n) => n + 0);

// Each stored record is described once and built twice: leniently for reading (unknown keys from a
// newer writer are dropped, not fatal) and strictly for writing (an unknown key is refused, so what a
// store acknowledges is exactly what its reader returns).
type ObjectFactory = typeof z.object | typeof z.strictObject;

function tokenUsageOf(object: ObjectFactory) {
  return object({
    inputTokens: storedCount,
    cachedInputTokens: storedCount,
    cacheWriteTokens: storedCount,
    cacheWrite1hTokens: storedCount.optional(),
    outputTokens: storedCount,
    reasoningTokens: storedCount,
  });
}

function usageEventOf(object: ObjectFactory) {
  return object({
    id: z.string().min(1),
    sessionId: z.string().min(1),
    timestamp: isoDate,
    provider: z.string(),
    model: z.string(),
    usage: tokenUsageOf(object),
    source: z.enum(['provider', 'estimate']),
    kind: z.enum(['call', 'tool']).optional(),
    breakdown: object({
      system: storedCount,
      user: storedCount,
      assistant: storedCount,
      toolDefinitions: storedCount,
      toolResults: storedCount,
    }).optional(),
    tools: z.record(z.string(), object({ count: storedCount, resultTokens: storedCount })).optional(),
    purpose: z.literal('summary').optional(),
    compaction: object({ before: storedCount, after: storedCount, summarizer: z.string() }).optional(),
    cost: object({ amount: storedNumber, currency: z.literal('USD'), pricingVersion: z.string() }).nullable(),
    costReason: z.string().optional(),
    agentId: z.string().min(1).optional(),
    latency: object({
      totalMs: storedNumber.optional(),
      firstTokenMs: storedNumber.optional(),
      promptEvalMs: storedNumber.optional(),
      evalMs: storedNumber.optional(),
      loadMs: storedNumber.optional(),
    }).optional(),
    warnings: z.array(z.string()).optional(),
  });
}

function sessionRecordOf(object: ObjectFactory) {
  return object({
    sessionId: z.string().min(1),
    startedAt: isoDate,
    provider: z.string(),
    model: z.string(),
    contextWindow: storedCount.optional(),
    meta: z
      .record(z.string(), z.union([z.string(), z.number().overwrite((n) => n + 0), z.boolean()]))
      .optional(),
  });
}

/** Runtime schema of a normalized {@link TokenUsage}; the store refuses lines that fail it. */
export const tokenUsageSchema = tokenUsageOf(z.object);

/** Runtime schema of a stored {@link UsageEvent} (what the store's reader accepts). */
export const usageEventSchema = usageEventOf(z.object);

/** Runtime schema of a session header line. */
export const sessionRecordSchema = sessionRecordOf(z.object);

/** What a store accepts for writing: the reader's schemas with unknown keys refused at every level. */
export const strictUsageEventSchema = usageEventOf(z.strictObject);
/** Strict (writing) schema of a session header. */
export const strictSessionRecordSchema = sessionRecordOf(z.strictObject);
/** Strict schema of a {@link TokenUsage} given to `record()`. */
export const strictTokenUsageSchema = tokenUsageOf(z.strictObject);

/**
 * Parses `value` with a strict schema and returns the normalized copy, or throws
 * `CtxkitError('INVALID_ARGUMENT')` naming the first offending field (`details.path`).
 */
export function parseStrict<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  throw new CtxkitError(
    'INVALID_ARGUMENT',
    `invalid ${what}${path ? ` at ${path}` : ''}: ${issue?.message}`,
    {
      path,
    },
  );
}

/** Token and cost totals; the same block at every level of a report. */
export const usageTotalsSchema = z.object({
  /** Model calls (tool-only records excluded). */
  calls: count,
  /** Calls whose counts are local estimates rather than provider reports. */
  estimatedCalls: count,
  inputTokens: count,
  cachedInputTokens: count,
  cacheWriteTokens: count,
  /** `inputTokens - cachedInputTokens - cacheWriteTokens`: tokens billed at the plain input rate. */
  uncachedInputTokens: count,
  outputTokens: count,
  reasoningTokens: count,
  totalTokens: count,
  toolCalls: count,
  toolResultTokens: count,
  /** Sum of the priced calls in USD; null when no call could be priced. */
  cost: z.number().nonnegative().nullable(),
  /** False when some calls have no price (see `unpricedCalls`). */
  costComplete: z.boolean(),
  unpricedCalls: count,
  /** Calls that ran on a local runtime (priced 0, `costReason: 'local'`). */
  localCalls: count.optional(),
});

/** One model's line in a per-model breakdown. */
export const modelBreakdownSchema = usageTotalsSchema.extend({
  provider: z.string(),
  model: z.string(),
  /** Why this model's calls are unpriced, when they are. */
  unpricedReason: z.string().optional(),
});

/** State of a billing block (`groupBy: 'block'`) at report time. */
export const blockStatusSchema = z.object({
  /** End of the block's window (start + block length). */
  end: isoDate,
  firstActivity: isoDate,
  lastActivity: isoDate,
  /** The window is still open and its last activity is within one block length of now. */
  active: z.boolean(),
  /** Rate over the block's activity so far; null with a single instant of activity. */
  burnRate: z
    .object({ tokensPerMinute: z.number().nonnegative(), costPerHour: z.number().nonnegative().nullable() })
    .nullable(),
  /** Totals at the window's end if the burn rate holds (active blocks only). */
  projection: z
    .object({
      totalTokens: count,
      cost: z.number().nonnegative().nullable(),
      remainingMinutes: count,
    })
    .nullable(),
});

/** One group of a report (a day, week, month, session, 5-hour block, project, model or tool). */
export const reportGroupSchema = z.object({
  key: z.string(),
  /**
   * Block window start (block); first event (session, and the other groupings). ISO-8601, from the
   * events' own timestamps.
   */
  start: isoDate.optional(),
  /** Last event of the group. */
  end: isoDate.optional(),
  /** The session's project (session groups), from its header's meta. */
  project: z.string().optional(),
  /** Sessions with events in the group. */
  sessions: count.optional(),
  /** Block state (block groups). */
  block: blockStatusSchema.optional(),
  totals: usageTotalsSchema,
  byModel: z.array(modelBreakdownSchema),
});

/** One model call in time order, for tokens-per-turn charts. */
export const reportTurnSchema = z.object({
  index: count,
  sessionId: z.string(),
  timestamp: isoDate,
  model: z.string(),
  inputTokens: count,
  cachedInputTokens: count,
  outputTokens: count,
  cost: z.number().nonnegative().nullable(),
});

/** Every `groupBy` a report can take. */
export const groupByValues = [
  'day',
  'week',
  'month',
  'session',
  'block',
  'project',
  'model',
  'tool',
] as const;

/**
 * THE report schema: every report (whatever its `groupBy`) has this shape, with the per-model breakdown
 * at the top level and inside every group.
 */
export const usageReportSchema = z.object({
  schema: z.literal('ctxkit.usage-report/v1'),
  generatedAt: isoDate,
  groupBy: z.enum(groupByValues),
  range: z.object({ since: isoDate.nullable(), until: isoDate.nullable() }),
  /** The project filter, when the report was restricted to one. */
  project: z.string().optional(),
  /** IANA time zone used for day/week/month buckets. */
  timeZone: z.string(),
  currency: z.literal('USD'),
  pricingVersions: z.array(z.string()),
  sessions: count,
  totals: usageTotalsSchema,
  byModel: z.array(modelBreakdownSchema),
  groups: z.array(reportGroupSchema),
  turns: z.array(reportTurnSchema),
  warnings: z.array(z.string()),
});

/** A usage report (see {@link usageReportSchema}). */
export type UsageReport = z.infer<typeof usageReportSchema>;
/** Totals block of a report. */
export type UsageTotals = z.infer<typeof usageTotalsSchema>;
/** One model's line of a report. */
export type ModelBreakdown = z.infer<typeof modelBreakdownSchema>;
/** State of a billing block. */
export type BlockStatus = z.infer<typeof blockStatusSchema>;
/** One group of a report. */
export type ReportGroup = z.infer<typeof reportGroupSchema>;
/** One turn of a report. */
export type ReportTurn = z.infer<typeof reportTurnSchema>;
/** How a report groups events. */
export type GroupBy = (typeof groupByValues)[number];

/** The report schema as JSON Schema (draft 2020-12), for consumers outside TypeScript. */
export function usageReportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(usageReportSchema, { io: 'output', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
}

/**
 * Validates a report against {@link usageReportSchema}; returns the list of problems (empty when valid).
 *
 * @param report - any value, typically a parsed JSON report; each problem reads `path: message`
 */
export function validateReport(report: unknown): string[] {
  const result = usageReportSchema.safeParse(report);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}
