/**
 * Nanocoder's shapes (`@nanocollective/nanocoder` 1.30.0, `dist/types/*.d.ts`),
 * restated so this package's published types do not require Nanocoder to be
 * installed. The message shapes are `@ctxkit/core`'s, defined once beside its
 * converters. `contract.ts` proves, at typecheck time against the pinned
 * devDependency, that they match in both directions.
 */

import type { NanocoderMessage } from '@ctxkit/core';

export type { NanocoderImage, NanocoderJsonValue, NanocoderMessage, NanocoderToolCall } from '@ctxkit/core';

/** Nanocoder's `Tokenizer`: note `encode` returns a token COUNT. */
export interface NanocoderTokenizer {
  /** Token count of a text. */
  encode(text: string): number;
  /** Tokens a message costs in a request. */
  countTokens(message: NanocoderMessage): number;
  /** A name for display, e.g. `ctxkit-hf:qwen2`. */
  getName(): string;
  /** Releases the tokenizer (returns it to the pool). */
  free?(): void;
}

/** Nanocoder's `TokenBreakdown` (what `/usage` and the context bar show): the same shape `@ctxkit/cache` counts in. */
export type { TokenBreakdown } from '@ctxkit/cache';

/** Nanocoder's `CompressionMode` (mechanical compaction aggressiveness). */
export type NanocoderCompressionMode = 'default' | 'aggressive' | 'conservative';

/** Nanocoder's `CompressionStrategy`. */
export type NanocoderCompressionStrategy = 'llm' | 'mechanical';

/** The `config` argument of Nanocoder's `performAutoCompact`. */
export interface AutoCompactConfig {
  enabled: boolean;
  threshold: number;
  mode: NanocoderCompressionMode;
  strategy?: NanocoderCompressionStrategy;
  notifyUser: boolean;
}

/** Provider-reported usage as Nanocoder keeps it (`ApiUsage`). */
export interface NanocoderApiUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}

/** The slice of Nanocoder's `LLMClient` ctxkit uses (the summarizer calls `chat`). */
export interface NanocoderChatClient {
  getCurrentModel(): string;
  chat(
    messages: NanocoderMessage[],
    tools: Record<string, never>,
    callbacks: Record<string, never>,
    signal?: AbortSignal,
  ): Promise<{
    choices: Array<{ message: { role: 'assistant'; content: string } }>;
    usage?: NanocoderApiUsage;
  }>;
}
