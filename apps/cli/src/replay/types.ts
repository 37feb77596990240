import type { Message, Tokenizer } from '@ctxkit/core';

/** How the replayed agent manages its context before each assistant turn. */
export type StrategyName = 'none' | 'window' | 'compress';

/** A compaction the compressor made before a turn. */
export interface CompactionEvent {
  kind: 'compaction';
  /** Request tokens before and after. */
  before: number;
  after: number;
  /** `after / before`. */
  ratio: number;
  /** Facts in the ledger of the compacted span (files, commands, errors, decisions …), and how many survive. */
  ledgerFacts: number;
  ledgerFactsKept: number;
  /** Which summarizer wrote the summary. */
  summarizer: string;
}

/** Messages the sliding window evicted before a turn. */
export interface EvictionEvent {
  kind: 'eviction';
  before: number;
  after: number;
  /** Messages dropped from the context. */
  dropped: number;
}

/** A strategy that could not bring the request under the limit (the request is sent as it is). */
export interface FailureEvent {
  kind: 'failure';
  code: string;
  message: string;
  /** For `BUDGET_EXCEEDED`: tokens of what the strategy may not remove, and the input budget. */
  protectedTokens?: number;
  budget?: number;
}

/** Something a strategy did before a turn. */
export type ReplayEvent = CompactionEvent | EvictionEvent | FailureEvent;

/** What a strategy needs to shape one request. */
export interface PrepareInput {
  /** The agent's context so far (its last message is what the assistant answers). */
  context: Message[];
  /** Input budget: the context limit minus the tokens reserved for the reply. */
  budget: number;
  /** The context limit. */
  limit: number;
  /** The (caching) tokenizer to count with. */
  tokenizer: Tokenizer;
}

/** A context-management strategy: returns the request to send, which becomes the agent's context. */
export interface ContextStrategy {
  readonly name: StrategyName;
  /** Describes the strategy's settings for the report (e.g. the summarizer). */
  readonly description: string;
  prepare(input: PrepareInput): Promise<{ context: Message[]; events: ReplayEvent[] }>;
}
