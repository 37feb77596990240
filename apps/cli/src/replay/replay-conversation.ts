import { TokenCountCache } from '@ctxkit/cache';
import { extractLedger, ledgerItems } from '@ctxkit/compressor';
import {
  type Message,
  requestOverhead,
  requestTokens,
  type Tokenizer,
  validateConversation,
  visibleText,
} from '@ctxkit/core';
import { cachedTokenizer } from './cached-tokenizer.js';
import type { ContextStrategy, ReplayEvent, StrategyName } from './types.js';

/** Prices one request in US dollars; `null` when the model has no known price. */
export interface Pricer {
  /** What the prices are, e.g. `priced as anthropic/claude-sonnet-4-5`. */
  readonly label: string;
  price(inputTokens: number, cachedInputTokens: number, outputTokens: number): number | null;
}

/** Options for {@link replayConversation}. */
export interface ReplayOptions {
  /** The model's context limit in tokens. */
  limit: number;
  /** Tokens kept free for the reply; the input budget is `limit - reserve`. */
  reserve: number;
  tokenizer: Tokenizer;
  strategy: ContextStrategy;
  /**
   * For the cost estimate; omitted → no cost.
   * @default undefined
   */
  pricer?: Pricer;
  /**
   * Called after each turn (for a progress bar).
   * @default undefined
   */
  onTurn?: (done: number, total: number) => void;
}

/** One request the replayed agent sent. */
export interface ReplayRequest {
  /** 1-based assistant turn. */
  turn: number;
  /** Index in the conversation of the assistant message this request produced. */
  messageIndex: number;
  /** Messages in the request. */
  messages: number;
  /** Request tokens (messages, framing, reply priming). */
  tokens: number;
  /** Tokens the same request would have had with no context management. */
  baselineTokens: number;
  /** Whether the request exceeds the input budget (`limit - reserve`). */
  overflow: boolean;
  baselineOverflow: boolean;
  /** Whether `validateConversation` found no problem in the request. */
  valid: boolean;
  /** Problem kinds found, when not valid. */
  problems: string[];
  /** Leading tokens identical to the previous request (a provider prompt cache could serve them). */
  cachedPrefixTokens: number;
  /** Tokens of the assistant reply this turn produced. */
  outputTokens: number;
  /** What the strategy did before this request. */
  events: ReplayEvent[];
  /**
   * Facts of the whole conversation so far (paths, commands, error lines, user constraints, open
   * todos — extracted without limits) that this request still shows; measured on the requests a
   * strategy changed and on the last one.
   */
  recall?: { facts: number; kept: number };
}

/** Everything a replay measured. */
export interface ReplayResult {
  strategy: StrategyName;
  strategyDescription: string;
  limit: number;
  reserve: number;
  tokenizer: string;
  exact: boolean;
  messages: number;
  turns: number;
  requests: ReplayRequest[];
  overflows: { strategy: number; baseline: number; prevented: number };
  invalidRequests: number;
  /** Recall of the last request, and the lowest over the measured requests (see {@link ReplayRequest.recall}). */
  recall: { facts: number; kept: number; lowest: number };
  compactions: number;
  evictedMessages: number;
  failures: number;
  peakTokens: number;
  baselinePeakTokens: number;
  /** The token-count cache: how often a message's count was reused instead of recomputed. */
  countCache: { hits: number; misses: number; hitRate: number };
  /** Share of request tokens that repeat the previous request's prefix (provider prompt-cache potential). */
  promptPrefixReuse: number;
  inputTokens: number;
  baselineInputTokens: number;
  outputTokens: number;
  /** Estimated cost, when a price is known: this strategy and the no-management baseline. */
  cost: { total: number; baseline: number; currency: 'USD'; pricing: string } | null;
}

/**
 * Replays a conversation turn by turn as an agent would: before each assistant
 * message, the messages that led to it are appended to the agent's context,
 * the strategy shapes the request (window eviction, compaction, or nothing),
 * and the request is counted, validated and recorded. The real assistant
 * message is then appended, so later turns see what really happened. The
 * no-management baseline is measured in the same pass.
 */
export async function replayConversation(
  messages: readonly Message[],
  options: ReplayOptions,
): Promise<ReplayResult> {
  const cache = new TokenCountCache();
  const tokenizer = cachedTokenizer(options.tokenizer, cache);
  const budget = options.limit - options.reserve;
  // What every request costs beyond its messages (the replay sends no tool definitions).
  const priming = requestOverhead(tokenizer);
  // A turn needs something before it to answer; a leading assistant message is context, not a turn.
  const turnIndexes = messages.flatMap((m, i) => (m.role === 'assistant' && i > 0 ? [i] : []));
  const requests: ReplayRequest[] = [];
  let context: Message[] = [];
  let cursor = 0;
  let baselineTokens = priming;
  let previousRequest: Message[] = [];
  let previousBaseline = 0;
  let cost: number | null = 0;
  let baselineCost: number | null = 0;
  let reused = 0;
  for (const [k, index] of turnIndexes.entries()) {
    for (; cursor < index; cursor++) {
      const m = messages[cursor]!;
      context.push(m);
      baselineTokens += tokenizer.countMessage(m);
    }
    const prepared = await options.strategy.prepare({ context, budget, limit: options.limit, tokenizer });
    context = prepared.context;
    const tokens = tokenizer.countMessages(context);
    let prefix = 0;
    // Identity, not equality: a summary that happens to repeat text is still a new prompt to the provider.
    while (
      prefix < context.length &&
      prefix < previousRequest.length &&
      context[prefix] === previousRequest[prefix]
    ) {
      prefix++;
    }
    const cachedPrefixTokens =
      prefix > 0 ? requestTokens(tokenizer, context.slice(0, prefix), { overhead: priming }) : 0;
    const reply = messages[index]!;
    const outputTokens = tokenizer.countMessage(reply);
    const problems = validateConversation(context);
    const measure = prepared.events.length > 0 || k === turnIndexes.length - 1;
    const recall = measure ? recallOf(messages.slice(0, index), context) : undefined;
    requests.push({
      turn: k + 1,
      messageIndex: index,
      messages: context.length,
      tokens,
      baselineTokens,
      overflow: tokens > budget,
      baselineOverflow: baselineTokens > budget,
      valid: problems.length === 0,
      problems: [...new Set(problems.map((p) => p.kind))],
      cachedPrefixTokens,
      outputTokens,
      events: prepared.events,
      ...(recall ? { recall } : {}),
    });
    reused += cachedPrefixTokens;
    if (options.pricer) {
      const a = options.pricer.price(tokens, cachedPrefixTokens, outputTokens);
      // The baseline only ever appends, so its whole previous request is a cached prefix.
      const b = options.pricer.price(baselineTokens, previousBaseline, outputTokens);
      cost = cost === null || a === null ? null : cost + a;
      baselineCost = baselineCost === null || b === null ? null : baselineCost + b;
    }
    previousRequest = [...context];
    previousBaseline = baselineTokens;
    context = [...context, reply];
    baselineTokens += outputTokens;
    cursor = index + 1;
    options.onTurn?.(k + 1, turnIndexes.length);
  }
  const stats = cache.stats();
  const sum = (f: (r: ReplayRequest) => number) => requests.reduce((n, r) => n + f(r), 0);
  const inputTokens = sum((r) => r.tokens);
  const overflowStrategy = requests.filter((r) => r.overflow).length;
  const overflowBaseline = requests.filter((r) => r.baselineOverflow).length;
  const events = requests.flatMap((r) => r.events);
  return {
    strategy: options.strategy.name,
    strategyDescription: options.strategy.description,
    limit: options.limit,
    reserve: options.reserve,
    tokenizer: options.tokenizer.id,
    exact: options.tokenizer.exact,
    messages: messages.length,
    turns: requests.length,
    requests,
    overflows: {
      strategy: overflowStrategy,
      baseline: overflowBaseline,
      prevented: overflowBaseline - overflowStrategy,
    },
    invalidRequests: requests.filter((r) => !r.valid).length,
    recall: {
      facts: requests[requests.length - 1]?.recall?.facts ?? 0,
      kept: requests[requests.length - 1]?.recall?.kept ?? 0,
      lowest: Math.min(
        1,
        ...requests.flatMap((r) => (r.recall && r.recall.facts > 0 ? [r.recall.kept / r.recall.facts] : [])),
      ),
    },
    compactions: events.filter((e) => e.kind === 'compaction').length,
    evictedMessages: events.reduce((n, e) => n + (e.kind === 'eviction' ? e.dropped : 0), 0),
    failures: events.filter((e) => e.kind === 'failure').length,
    peakTokens: Math.max(0, ...requests.map((r) => r.tokens)),
    baselinePeakTokens: Math.max(0, ...requests.map((r) => r.baselineTokens)),
    countCache: { hits: stats.hits, misses: stats.misses, hitRate: stats.hitRate },
    promptPrefixReuse: inputTokens === 0 ? 0 : reused / inputTokens,
    inputTokens,
    baselineInputTokens: sum((r) => r.baselineTokens),
    outputTokens: sum((r) => r.outputTokens),
    cost:
      options.pricer && cost !== null && baselineCost !== null
        ? { total: cost, baseline: baselineCost, currency: 'USD', pricing: options.pricer.label }
        : null,
  };
}

const UNLIMITED = { commands: 1e9, errors: 1e9, constraints: 1e9, todos: 1e9 };

/** How many facts of `history` a request still shows (in message text or call arguments). */
export function recallOf(
  history: readonly Message[],
  request: readonly Message[],
): { facts: number; kept: number } {
  const items = [...new Set(ledgerItems(extractLedger(history, UNLIMITED)))];
  const text = visibleText(request);
  return { facts: items.length, kept: items.filter((i) => text.includes(i)).length };
}
