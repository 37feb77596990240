import {
  type CompressionStep,
  ContextCompressor,
  type ContextCompressorOptions,
  type SummarizeFunction,
  type Summarizer,
} from '@ctxkit/compressor';
import { type Message, repairConversation, type ToolDefinition, validateConversation } from '@ctxkit/core';
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
  /** Share of the usable window that triggers compaction (default 0.8). */
  threshold?: number;
  /** Share of the usable window to compress down to (default 0.5). */
  target?: number;
  /** Tokens kept free for the reply (default `min(8192, contextLimit / 8)`). */
  reserveTokens?: number;
  /** Aborts the compaction. */
  signal?: AbortSignal;
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
}

/**
 * Compacts a Nanocoder history with `@ctxkit/compressor`, in Nanocoder's
 * contract: `messages` (no system message) in, `messages` out with the summary
 * as a `user` `<conversation-summary>` message, every tool call paired with its
 * result, the system message counted but not returned. Messages kept verbatim
 * are the very objects passed in.
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
  for (const m of messages) {
    if (m.role === 'system') continue;
    const c = toCtxkit(m);
    originals.set(c, m);
    input.push(c);
  }
  const compressorOptions: ContextCompressorOptions = {};
  if (options.summarizer) compressorOptions.summarizer = options.summarizer;
  if (options.threshold !== undefined) compressorOptions.threshold = options.threshold;
  if (options.target !== undefined) compressorOptions.target = options.target;
  if (options.reserveTokens !== undefined) compressorOptions.reserveTokens = options.reserveTokens;
  const result = await new ContextCompressor(compressorOptions).compress(input, {
    contextLimit: options.contextLimit,
    tokenizer: options.tokenizer.tokenizer,
    ...(options.tools ? { tools: options.tools } : {}),
    ...(options.force ? { force: true } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let out = result.messages.filter((m) => m !== system && m.role !== 'system');
  // Belt and braces: whatever the stages did, Nanocoder must never receive an
  // orphan tool result or an unanswered call (providers reject both).
  if (validateConversation(out).length > 0) out = repairConversation(out).messages;
  const compacted: NanocoderCompaction = {
    messages: out.map((m) => toNanocoderMessage(m, originals)),
    before: result.before,
    after: result.after,
    triggered: result.triggered,
    steps: result.steps,
  };
  if (result.summary !== undefined) compacted.summary = result.summary;
  return compacted;
}
