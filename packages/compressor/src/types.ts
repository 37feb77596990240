import type { AnyToolDefinition, Message, Tokenizer } from '@ctxkit/core';
import type { Ledger } from './ledger.js';

/** What a summarizer receives: the region to summarize, as data, plus what the compressor knows about it. */
export interface SummaryRequest {
  /** The messages being summarized, oldest first (already pruned stubs where stage 2 ran). */
  messages: readonly Message[];
  /** The summary a previous compaction produced, which the new one must update (not lose). */
  previousSummary?: string;
  /** Facts extracted without an LLM; the compressor appends any the summary leaves out. */
  ledger: Ledger;
  /**
   * Tokens the summary should stay under: a share of the free space of the window (at least what the
   * ledger's facts need), never more than the summary may cost for the result to reach its goal.
   */
  maxTokens: number;
  /** The conversation's tokenizer, for budgeting. */
  tokenizer: Tokenizer;
  /** Aborted when the attempt's time is up; summarizers must stop and reject promptly. */
  signal: AbortSignal;
}

/** A plain summarizing function, e.g. a call to a cloud model. It must honour `request.signal`. */
export type SummarizeFunction = (request: SummaryRequest) => Promise<string>;

/** An object that summarizes a region of conversation. */
export interface Summarizer {
  /** Short name reported in the compression steps. */
  readonly name?: string;
  /** Returns the summary text (no wrapper; the compressor adds it). */
  summarize(request: SummaryRequest): Promise<string>;
}

/** The stages a compression can run, cheapest first. */
export type CompressionStepKind =
  /** Older reads of a file read again later were replaced by a stub. */
  | 'supersede'
  /** Old tool outputs were replaced by short stubs. */
  | 'prune'
  /** A region was summarized by the configured summarizer. */
  | 'summarize'
  /** A region was summarized deterministically (no summarizer, or it failed). */
  | 'fallback-summary'
  /** Oldest turn groups were dropped (last resort). */
  | 'drop'
  /** Small window: the summary's ledger was trimmed by priority (least needed facts first). */
  | 'trim-ledger'
  /** Small window: the largest protected message was shortened, head and tail kept around a marker. */
  | 'elide';

/** One stage that ran and what it saved. */
export interface CompressionStep {
  kind: CompressionStepKind;
  /** Tokens the stage removed (before − after of the stage). */
  tokensSaved: number;
  /** Messages the stage touched (stubbed, summarized or dropped). */
  messages: number;
  /** Why a summarizer attempt was rejected, one entry per failed attempt. */
  failures?: string[];
  /** Which summarizer produced the summary. */
  summarizer?: string;
}

/** Options of {@link ContextCompressor}. */
export interface ContextCompressorOptions {
  /**
   * An LLM summarizer or summarizing function; without one the deterministic summary is used.
   * @default undefined (the deterministic extractive summary)
   */
  summarizer?: Summarizer | SummarizeFunction;
  /**
   * Compress when the next request would use more than this share of the free space: the window
   * less the reply reserve, tool definitions, `extraTokens`, system and pinned messages (those
   * cannot be compressed, so shares of the whole window would leave small windows nothing).
   * @default 0.8
   */
  threshold?: number;
  /**
   * Compress down to this share of the free space (see `threshold`); the newest history is kept
   * verbatim as far as this goal allows.
   * @default 0.5
   */
  target?: number;
  /**
   * Tokens kept free for the reply: the usable window is `contextLimit − reserveTokens`.
   * @default min(8192, contextLimit / 8)
   */
  reserveTokens?: number;
  /**
   * Summarizer attempts per compaction before the deterministic summary takes over (a summarizer
   * that splits a region into chunks makes one request per chunk within one attempt).
   * @default 1
   */
  maxAttempts?: number;
  /**
   * Time allowed for one summarizer attempt, in milliseconds.
   * @default 120000
   */
  attemptTimeoutMs?: number;
  /**
   * Newest tool-output tokens stage 2 never prunes (the current step is never pruned anyway).
   * @default min(40 000, 25 % of the free space)
   */
  protectToolTokens?: number;
  /**
   * Newest turn groups (an assistant step with its results) stage 2 never prunes.
   * @default 2
   */
  protectTurns?: number;
}

/** Options of one {@link ContextCompressor.compress} call. */
export interface CompressOptions {
  /** The model's context window, in tokens. */
  contextLimit: number;
  /** Counts tokens the way the model does. */
  tokenizer: Tokenizer;
  /** Tool definitions sent with every request; they count toward the prompt. */
  tools?: readonly AnyToolDefinition[];
  /**
   * Compress even below the threshold (a manual `/compact`).
   * @default false
   */
  force?: boolean;
  /**
   * Tokens of the request that the messages do not carry (e.g. a system prompt the agent adds
   * when it sends); they count toward every budget and are part of the fixed share. A finite
   * number ≥ 0, else `INVALID_ARGUMENT`.
   * @default 0
   */
  extraTokens?: number;
  /** Aborts the summarizer: the deterministic summary is used instead (compression itself never hangs). */
  signal?: AbortSignal;
}

/** The outcome of a compression. */
export interface CompressionResult {
  /** The compressed conversation: valid, within `contextLimit − reserveTokens`. */
  messages: Message[];
  /** Prompt tokens before (messages + tools + reply priming). */
  before: number;
  /** Prompt tokens after. */
  after: number;
  /** Whether compression ran (over the threshold, or forced). */
  triggered: boolean;
  /** Whether `after` reached the goal (the target, and at least 30 % less than before). */
  targetMet: boolean;
  /** The token goal the stages aimed at. */
  goal: number;
  /** The stages that ran, in order. */
  steps: CompressionStep[];
  /** The text of the summary message, when one was made. */
  summary?: string;
  /**
   * What produced `summary`: the summarizer's name when its reply was used, `extractive` when the
   * deterministic summary was (no summarizer, or its attempt failed — see the step's `failures`).
   */
  summaryBy?: string;
  /** Facts extracted from everything compacted away (including earlier summaries' facts). */
  ledger: Ledger;
}
