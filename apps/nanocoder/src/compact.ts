import {
  type CompressionStep,
  ContextCompressor,
  type ContextCompressorOptions,
  type SummarizeFunction,
  type Summarizer,
} from '@ctxkit/compressor';
import { CtxkitError, type Message, type ToolDefinition, validateConversation } from '@ctxkit/core';
import { toCtxkit, toNanocoderMessage } from './convert.js';
import type { CtxkitNanocoderTokenizer } from './tokenizer.js';
import type { NanocoderMessage } from './types.js';

/** Options for {@link compactNanocoderMessages}. */
export interface CompactNanocoderOptions {
  /** The model's context window, in tokens. */
  contextLimit: number;
  /** A ctxkit tokenizer from this package's `createTokenizer`. */
  tokenizer: CtxkitNanocoderTokenizer;
  /** Tool definitions sent with every request. */
  tools?: readonly ToolDefinition[];
  /** LLM summarizer; without one ctxkit's deterministic extractive summary is used. */
  summarizer?: Summarizer | SummarizeFunction;
  /** Compress even below `threshold` (Nanocoder's `/compact`, or a trigger already decided). */
  force?: boolean;
  /**
   * Share of the usable window that triggers compaction.
   * @default 0.8
   */
  threshold?: number;
  /**
   * Share of the usable window to compress down to.
   * @default 0.5
   */
  target?: number;
  /**
   * Tokens kept free for the reply.
   * @default min(8192, contextLimit / 8)
   */
  reserveTokens?: number;
  /** Aborts the compaction. */
  signal?: AbortSignal;
  /**
   * Summarizer attempts per chunk before the deterministic summary.
   * @default 1
   */
  maxAttempts?: number;
  /**
   * Time one summarizer attempt may take, in milliseconds.
   * @default 30000
   */
  attemptTimeoutMs?: number;
  /** Messages to keep verbatim through the compaction (pins). */
  isPinned?: (message: NanocoderMessage) => boolean;
}

/** The outcome of {@link compactNanocoderMessages}. */
export interface NanocoderCompaction {
  /** The compacted history, WITHOUT the system message (Nanocoder re-injects it). */
  messages: NanocoderMessage[];
  /** Prompt tokens before (system + messages + tools + priming). */
  before: number;
  /** Prompt tokens after. */
  after: number;
  /** Whether compression ran. */
  triggered: boolean;
  /** The stages that ran. */
  steps: CompressionStep[];
  /** The summary text, when one was made. */
  summary?: string;
  /** What really produced the result, for the user: see {@link describeProducer}. */
  producedBy: string;
  /** Why summarizer attempts failed (empty when none did). */
  failures: string[];
}

/**
 * Says in a few words what produced a compaction: the summarizer that wrote the
 * summary, the deterministic summary (and why the model's was not used), or
 * the cheaper stages when no summary was needed.
 *
 * @param steps - the steps the compression took; their `failures` are collected in order
 */
export function describeProducer(steps: readonly CompressionStep[]): {
  producedBy: string;
  failures: string[];
} {
  const failures = steps.flatMap((s) => s.failures ?? []);
  const model = steps.find((s) => s.kind === 'summarize');
  if (model) return { producedBy: `summary by ${model.summarizer ?? 'the summarizer'}`, failures };
  if (steps.some((s) => s.kind === 'fallback-summary' || s.kind === 'drop')) {
    return { producedBy: 'deterministic summary', failures };
  }
  const kinds = steps.map((s) => (s.kind === 'supersede' ? 'superseded reads' : 'pruned tool outputs'));
  return { producedBy: kinds.length > 0 ? [...new Set(kinds)].join(' and ') : 'no change', failures };
}

/** Problems that make a provider reject the request (a history may start with a non-user message). */
const TOOL_PAIRING = new Set([
  'orphan_tool_result',
  'duplicate_tool_call_id',
  'unanswered_tool_call',
  'result_before_call',
  'result_not_adjacent',
]);

/** A history split at the step still running. */
export interface InFlightSplit<M> {
  /** Everything before the step whose tool calls still wait for results. */
  settled: M[];
  /** That step (its assistant message and any results already in), or `[]`. */
  inFlight: M[];
}

/**
 * Splits off the step still in flight: the last assistant message with tool
 * calls, when one of its calls has no result after it yet (Nanocoder runs its
 * auto-compact right after the model answers, before it runs the tools). That
 * step must reach the next request untouched: a result added for it now would
 * sit beside the real one Nanocoder appends a moment later.
 *
 * @example
 * const { settled, inFlight } = splitInFlight(history);
 */
export function splitInFlight<M extends Pick<NanocoderMessage, 'role' | 'tool_calls' | 'tool_call_id'>>(
  messages: readonly M[],
): InFlightSplit<M> {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as M;
    if (m.role !== 'assistant' || !m.tool_calls || m.tool_calls.length === 0) continue;
    const answered = new Set<string>();
    for (let j = i + 1; j < messages.length; j++) {
      const r = messages[j] as M;
      if (r.role === 'tool' && r.tool_call_id) answered.add(r.tool_call_id);
    }
    if (m.tool_calls.every((c) => answered.has(c.id))) break;
    return { settled: messages.slice(0, i), inFlight: messages.slice(i) };
  }
  return { settled: [...messages], inFlight: [] };
}

/**
 * Compacts a Nanocoder history with `@ctxkit/compressor`, in Nanocoder's
 * contract: `messages` (no system message) in, `messages` out with the summary
 * as a `user` `<conversation-summary>` message, the system message counted but
 * not returned. Messages kept verbatim are the very objects passed in. A step
 * still in flight (see {@link splitInFlight}) is counted but passed through
 * untouched, and no result is ever made up for a call: when the compacted
 * history would not be valid, this throws `INVALID_CONVERSATION` and the caller
 * keeps its history.
 * @param messages - Nanocoder's history, without the system message; it is not modified.
 * @param systemMessage - the system message Nanocoder sends, counted but not returned.
 * @param options - the context window, the tokenizer and compression settings; see {@link CompactNanocoderOptions}.
 */
export async function compactNanocoderMessages(
  messages: readonly NanocoderMessage[],
  systemMessage: NanocoderMessage | undefined,
  options: CompactNanocoderOptions,
): Promise<NanocoderCompaction> {
  const originals = new Map<Message, NanocoderMessage>();
  const input: Message[] = [];
  const system = systemMessage ? toCtxkit(systemMessage) : undefined;
  if (system) input.push(system);
  const { settled, inFlight } = splitInFlight(messages.filter((m) => m.role !== 'system'));
  for (const m of settled) {
    const c = toCtxkit(m);
    if (options.isPinned?.(m)) c.pinned = true;
    originals.set(c, m);
    input.push(c);
  }
  const tokenizer = options.tokenizer.tokenizer;
  // The running step is part of the next request: it counts toward every budget.
  const inFlightTokens =
    inFlight.length === 0 ? 0 : tokenizer.countMessages(inFlight.map(toCtxkit)) - tokenizer.countMessages([]);
  const compressorOptions: ContextCompressorOptions = {
    // One attempt per chunk, then the deterministic summary: a failing model costs one timeout, not three.
    maxAttempts: options.maxAttempts ?? 1,
    attemptTimeoutMs: options.attemptTimeoutMs ?? 30_000,
  };
  if (options.summarizer) compressorOptions.summarizer = options.summarizer;
  if (options.threshold !== undefined) compressorOptions.threshold = options.threshold;
  if (options.target !== undefined) compressorOptions.target = options.target;
  if (options.reserveTokens !== undefined) compressorOptions.reserveTokens = options.reserveTokens;
  const result = await new ContextCompressor(compressorOptions).compress(input, {
    contextLimit: options.contextLimit,
    tokenizer,
    ...(inFlightTokens > 0 ? { extraTokens: inFlightTokens } : {}),
    ...(options.tools ? { tools: options.tools } : {}),
    ...(options.force ? { force: true } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const out = result.messages.filter((m) => m !== system && m.role !== 'system');
  // Nanocoder must never receive an orphan result or an unanswered settled
  // call (providers reject both); mending it here would mean inventing results.
  const problems = validateConversation(out).filter((p) => TOOL_PAIRING.has(p.kind));
  if (problems.length > 0) {
    throw new CtxkitError(
      'INVALID_CONVERSATION',
      'compaction produced an invalid history; keeping it as is',
      {
        problems: problems.map((p) => p.kind),
      },
    );
  }
  const compacted: NanocoderCompaction = {
    messages: [...out.map((m) => toNanocoderMessage(m, originals)), ...inFlight],
    before: result.before,
    after: result.after,
    triggered: result.triggered,
    steps: result.steps,
    ...describeProducer(result.steps),
  };
  if (result.summary !== undefined) compacted.summary = result.summary;
  return compacted;
}
