/**
 * Token counts of one model call, normalized once so that no bucket overlaps another in a way that
 * could be double counted: `inputTokens` is the whole prompt (uncached + cache read + cache write),
 * `outputTokens` the whole completion (visible text + reasoning).
 */
export interface TokenUsage {
  /** Every input token of the call, including cached reads and cache writes. */
  inputTokens: number;
  /** Part of `inputTokens` read from the provider's prompt cache. */
  cachedInputTokens: number;
  /** Part of `inputTokens` written to the prompt cache (Anthropic cache creation). */
  cacheWriteTokens: number;
  /** Part of `cacheWriteTokens` written with a 1-hour TTL (priced at 2x input, not 1.25x). */
  cacheWrite1hTokens?: number;
  /** Every output token, including reasoning. */
  outputTokens: number;
  /** Part of `outputTokens` spent on reasoning / thinking. */
  reasoningTokens: number;
}

/** Estimated prompt breakdown by category (the same categories as nanocoder's `TokenBreakdown`). */
export interface CategoryBreakdown {
  system: number;
  user: number;
  assistant: number;
  toolDefinitions: number;
  toolResults: number;
}

/** Tool calls made in one model call: how many times, and how many tokens their results cost. */
export interface ToolUsage {
  count: number;
  resultTokens: number;
}

/** A compaction of the request a call sent: its size before and after, and what summarized it. */
export interface Compaction {
  /** Prompt tokens before compaction, counted by the agent. */
  before: number;
  /** Prompt tokens after compaction. */
  after: number;
  /** What produced the summary, e.g. a model name or `deterministic summary`. */
  summarizer: string;
}

/** Cost of one call, or why it could not be priced. */
export interface CostInfo {
  /** Amount in `currency`; never a made-up 0 for an unknown model (the whole object is null then). */
  amount: number;
  currency: 'USD';
  /** Where the prices came from, e.g. `genai-prices@0.1.8` or `override`. */
  pricingVersion: string;
}

/** Timing of one call, in milliseconds. */
export interface Latency {
  /** Wall time of the whole call. */
  totalMs?: number;
  /** Time to the first token, when streamed. */
  firstTokenMs?: number;
  /** Ollama: time spent evaluating the prompt. */
  promptEvalMs?: number;
  /** Ollama: time spent generating. */
  evalMs?: number;
  /** Ollama: time spent loading the model. */
  loadMs?: number;
}

/** Where the counts came from: the provider's own report, or a local estimate. */
export type UsageSource = 'provider' | 'estimate';

/** One model call (or, with `kind: 'tool'`, tool activity recorded after the last call of a session). */
export interface UsageEvent {
  /** Unique id, used to de-duplicate (provider response id when there is one). */
  id: string;
  sessionId: string;
  /** ISO-8601 time of the call. */
  timestamp: string;
  provider: string;
  model: string;
  usage: TokenUsage;
  source: UsageSource;
  /** `'call'` for a model call (default); `'tool'` for tool activity with no call of its own. */
  kind?: 'call' | 'tool';
  /** Estimated breakdown of the prompt by category, when the caller supplied messages. */
  breakdown?: CategoryBreakdown;
  /** Tool calls made, by tool name. */
  tools?: Record<string, ToolUsage>;
  /**
   * `'summary'` for a call made to summarize the conversation (context compaction), not one of
   * the agent's turns; absent for an ordinary call. Reports group such calls as `(summary)` by tool.
   */
  purpose?: 'summary';
  /** Set when the request of this call was compacted before it was sent. */
  compaction?: Compaction;
  /** Price of the call, or `null` with {@link UsageEvent.costReason}. */
  cost: CostInfo | null;
  /** Why `cost` is null (e.g. unknown model), or which price rule applied. */
  costReason?: string;
  /** The subagent that made the call, when not the session's main agent (e.g. a Claude Code `agentId`). */
  agentId?: string;
  latency?: Latency;
  /** Non-fatal problems found while normalizing (e.g. a missing field read as 0). */
  warnings?: string[];
}

/** What `startSession` takes: the model the session runs on and optional metadata. */
export interface ModelInfo {
  provider: string;
  model: string;
  /** Use this id instead of a generated one (e.g. to resume a session). */
  sessionId?: string;
  contextWindow?: number;
  /**
   * Free-form metadata stored with the session. Reports read `project` (else `cwd`, else
   * `projectDir`) as the session's project; `baseUrl` on a loopback host prices its calls as local.
   */
  meta?: Record<string, string | number | boolean>;
}

/** The header line stored first in each session file. */
export interface SessionRecord {
  sessionId: string;
  startedAt: string;
  provider: string;
  model: string;
  contextWindow?: number;
  meta?: Record<string, string | number | boolean>;
}

/** A non-fatal problem, kept rather than thrown so one bad line never loses the rest. */
export interface UsageWarning {
  code:
    | 'TORN_LINE'
    | 'CORRUPT_LINE'
    | 'INVALID_USAGE'
    | 'DUPLICATE'
    | 'UNPRICED'
    | 'FLUSH_FAILED'
    /** A directory or foreign file in the store's directory, skipped. */
    | 'STRAY_FILE';
  message: string;
  file?: string;
  line?: number;
  sessionId?: string;
}
