import type { SummarizeFunction, Summarizer } from '@ctxkit/compressor';
import type { ToolDefinition } from '@ctxkit/core';
import { compactNanocoderMessages } from './compact.js';
import { toCtxkit } from './convert.js';
import type { Engine } from './counting-engine.js';
import { replyReserve } from './settings.js';
import { createTokenizer, defaultEngine } from './tokenizer.js';
import type { NanocoderMessage } from './types.js';

/** One compaction the guard remembers: these original messages are sent as `replacement`. */
interface Substitution {
  prefix: readonly NanocoderMessage[];
  replacement: readonly NanocoderMessage[];
}

/** Options for {@link ContextGuard}. */
export interface ContextGuardOptions {
  /**
   * Compress when a request uses more than this share of the usable window.
   * @default 0.8
   */
  threshold?: number;
  /**
   * Compress down to this share of the usable window.
   * @default 0.5
   */
  target?: number;
  /**
   * Pool and cache.
   * @default the process-wide engine
   */
  engine?: Engine;
}

/** One request the guard checks. */
export interface GuardRequest {
  /** The whole request, system message(s) included, as Nanocoder passes it to the model. */
  messages: readonly NanocoderMessage[];
  provider: string;
  model: string;
  contextLimit: number;
  /** Tool definitions sent with the request. */
  tools?: readonly ToolDefinition[];
  /**
   * Tokens kept free for the reply.
   * @default replyReserve(contextLimit)
   */
  reserveTokens?: number;
  /** Compact even below the threshold (after the provider rejected the request as too long). */
  force?: boolean;
  /**
   * Summarizer for this compaction.
   * @default deterministic extractive summary
   */
  summarizer?: Summarizer | SummarizeFunction;
  signal?: AbortSignal;
  /**
   * This request's threshold.
   * @default the guard's
   */
  threshold?: number;
  /**
   * This request's target.
   * @default the guard's
   */
  target?: number;
  /**
   * Time one summary attempt may take, in milliseconds (one attempt per chunk).
   * @default 30000
   */
  attemptTimeoutMs?: number;
  /** Messages every compaction keeps verbatim. */
  isPinned?: (message: NanocoderMessage) => boolean;
}

/** What {@link ContextGuard.fit} did. */
export interface GuardResult {
  messages: NanocoderMessage[];
  compacted: boolean;
  /** Request tokens before and after (equal when nothing was done). */
  before: number;
  after: number;
  /** What produced the compaction (when `compacted`). */
  producedBy?: string;
  /** Why summary attempts failed. */
  failures?: string[];
}

/**
 * Keeps every request Nanocoder sends within the model's window — in the
 * interactive UI and, above all, in `--plain` and ACP runs, where Nanocoder
 * only caps the message COUNT. Before each model call it counts the real
 * request (system prompt, history with tool-call arguments, tool definitions)
 * and compacts it with `@ctxkit/compressor` when it is over the threshold.
 *
 * The compaction is remembered as a substitution (these original messages →
 * this summary + kept messages) keyed on the conversation's first message, so
 * the next turn reuses it instead of summarizing again: compaction happens in
 * few large steps and the request prefix stays stable for prompt caches.
 */
export class ContextGuard {
  readonly #engine: Engine;
  readonly #threshold: number;
  readonly #target: number;
  readonly #substitutions = new WeakMap<NanocoderMessage, Substitution>();
  /** Compactions performed (for reports and tests). */
  compactions = 0;

  constructor(options: ContextGuardOptions = {}) {
    this.#engine = options.engine ?? defaultEngine();
    this.#threshold = options.threshold ?? 0.8;
    this.#target = options.target ?? 0.5;
  }

  /** The history with any remembered compaction applied (synchronous; no counting). */
  apply(history: readonly NanocoderMessage[]): NanocoderMessage[] {
    const first = history[0];
    const sub = first ? this.#substitutions.get(first) : undefined;
    if (!sub || history.length < sub.prefix.length) return [...history];
    for (let i = 0; i < sub.prefix.length; i++) if (history[i] !== sub.prefix[i]) return [...history];
    return [...sub.replacement, ...history.slice(sub.prefix.length)];
  }

  /** The originals behind a history that starts with a remembered replacement. */
  #expand(history: readonly NanocoderMessage[]): NanocoderMessage[] {
    const first = history[0];
    if (first === undefined) return [];
    const sub = this.#bySummary.get(first);
    if (!sub || history.length < sub.replacement.length) return [...history];
    for (let i = 0; i < sub.replacement.length; i++)
      if (history[i] !== sub.replacement[i]) return [...history];
    return [...sub.prefix, ...history.slice(sub.replacement.length)];
  }

  readonly #bySummary = new WeakMap<NanocoderMessage, Substitution>();

  /**
   * Drop-in for Nanocoder's `capMessagesForModel(messages, maxMessages)`: applies
   * the remembered compaction, then Nanocoder's count cap, whose cut never
   * starts inside a tool-call group.
   */
  cap(messages: readonly NanocoderMessage[], maxMessages: number): NanocoderMessage[] {
    const history = this.apply(messages);
    if (!(history.length > maxMessages)) return history;
    let start = history.length - Math.max(0, Math.floor(maxMessages));
    while (start > 0 && history[start]?.role === 'tool') start--;
    return history.slice(start);
  }

  /** Checks one request and compacts it when it is over the threshold. Never throws for a model. */
  async fit(request: GuardRequest): Promise<GuardResult> {
    const systems = request.messages.filter((m) => m.role === 'system');
    const rest = this.apply(request.messages.filter((m) => m.role !== 'system'));
    const tokenizer = createTokenizer(request.provider, request.model, { engine: this.#engine });
    try {
      const before = this.#engine.countRequest(
        [...systems, ...rest].map(toCtxkit),
        tokenizer.tokenizer,
        request.tools,
      );
      const reserve = request.reserveTokens ?? replyReserve(request.contextLimit);
      const usable = request.contextLimit - reserve;
      const threshold = request.threshold ?? this.#threshold;
      if (!request.force && before <= threshold * usable) {
        return { messages: [...systems, ...rest], compacted: false, before, after: before };
      }
      const system: NanocoderMessage | undefined =
        systems.length === 0
          ? undefined
          : { role: 'system', content: systems.map((m) => m.content).join('\n\n') };
      const result = await compactNanocoderMessages(rest, system, {
        contextLimit: request.contextLimit,
        tokenizer,
        force: true,
        threshold,
        target: request.target ?? this.#target,
        ...(request.attemptTimeoutMs ? { attemptTimeoutMs: request.attemptTimeoutMs } : {}),
        ...(request.isPinned ? { isPinned: request.isPinned } : {}),
        reserveTokens: reserve,
        ...(request.tools ? { tools: request.tools } : {}),
        ...(request.summarizer ? { summarizer: request.summarizer } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      });
      this.#remember(rest, result.messages);
      this.compactions++;
      return {
        messages: [...systems, ...result.messages],
        compacted: true,
        before,
        after: result.after,
        producedBy: result.producedBy,
        failures: result.failures,
      };
    } finally {
      tokenizer.free();
    }
  }

  /** Records `history → compacted` as a substitution over the ORIGINAL messages. */
  #remember(history: readonly NanocoderMessage[], compacted: readonly NanocoderMessage[]): void {
    // The kept tail is the same objects in both lists; everything before it was replaced.
    let h = history.length;
    let c = compacted.length;
    while (h > 0 && c > 0 && history[h - 1] === compacted[c - 1]) {
      h--;
      c--;
    }
    if (c === 0) return;
    const originals = this.#expand(history);
    const prefix = originals.slice(0, originals.length - (history.length - h));
    const sub: Substitution = { prefix, replacement: compacted.slice(0, c) };
    const first = prefix[0];
    const head = sub.replacement[0];
    if (first === undefined || head === undefined) return;
    this.#substitutions.set(first, sub);
    this.#bySummary.set(head, sub);
  }
}
