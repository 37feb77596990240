import { TokenCountCache } from '@ctxkit/cache';
import {
  CtxkitError,
  checkOptionKeys,
  type Message,
  repairConversation,
  type Tokenizer,
  validateConversation,
} from '@ctxkit/core';
import { dropToFit } from './drop.js';
import { emptyLedger, ensureLedger, extractLedger, type Ledger, mergeLedgers } from './ledger.js';
import { pruneToolOutputs } from './prune.js';
import { fitSmallWindow } from './small-window.js';
import { summarizeStage } from './summarize-stage.js';
import { compactionTag, summaryMessage, unwrapOriginal } from './summary-message.js';
import { supersedeReads } from './supersede.js';
import type {
  CompressionResult,
  CompressionStep,
  CompressOptions,
  ContextCompressorOptions,
  SummarizeFunction,
  Summarizer,
} from './types.js';
import { WorkingConversation } from './working-conversation.js';

/** Every compression removes at least this share of the tokens, or it reports `targetMet: false`. */
export const MIN_REDUCTION = 0.3;

// A misspelt option name is an error, not a silently ignored default.
const COMPRESSOR_OPTIONS = {
  summarizer: true,
  threshold: true,
  target: true,
  reserveTokens: true,
  maxAttempts: true,
  attemptTimeoutMs: true,
  protectToolTokens: true,
  protectTurns: true,
} satisfies Record<keyof ContextCompressorOptions, true>;
const COMPRESS_OPTIONS = {
  contextLimit: true,
  tokenizer: true,
  tools: true,
  force: true,
  extraTokens: true,
  signal: true,
} satisfies Record<keyof CompressOptions, true>;

function checkShare(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1) {
    throw new CtxkitError('INVALID_ARGUMENT', `${name} must be in (0, 1], got ${value}`, { [name]: value });
  }
  return value;
}

/** An optional count option: a finite number ≥ `min`, or absent. */
function checkCount(name: string, value: unknown, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new CtxkitError(
      'INVALID_ARGUMENT',
      `${name} must be a finite number ≥ ${min}, got ${String(value)}`,
      {
        [name]: String(value),
      },
    );
  }
  return value;
}

/**
 * Staged context compression, cheapest stage first, stopping as soon as the
 * conversation is at the goal:
 * 1. supersede older reads of files read again later;
 * 2. prune old tool outputs to stubs that keep their meaning (a file read's outline, a command's
 *    exit status and error lines, a search's matches);
 * 3. summarize the oldest region (whole units, never inside a tool pair; the newest history stays
 *    verbatim as far as the goal allows) into one `user` summary message that updates any
 *    previous summary;
 * 4. fall back to the deterministic {@link ExtractiveSummarizer} when the summarizer is absent,
 *    fails, times out or returns empty, garbage or not-smaller output;
 * 5. drop the oldest turn groups (folded into the summary) as a last resort.
 *
 * Threshold and target are shares of the free space (the window less the reserve, tools, system
 * and pinned messages); the current step and calls still in flight are never touched. Every result
 * is a valid conversation within `contextLimit − reserveTokens` that keeps system
 * and pinned messages, the first and the latest user message word for word, and every fact of
 * the {@link Ledger} in its summary. Stubs and summaries carry their originals in
 * `metadata.ctxkit`, so {@link restoreOriginals} undoes a compaction.
 * @example
 * ```ts
 * const compressor = new ContextCompressor({ summarizer: new OllamaSummarizer({ model: 'qwen2.5:7b' }) });
 * const result = await compressor.compress(messages, {
 *   contextLimit: 16_384,
 *   tokenizer: createTokenizer('ollama', 'qwen2.5:7b'),
 * });
 * result.messages; // what to send; result.before / result.after are its token counts
 * ```
 */
export class ContextCompressor {
  private readonly summarizer: Summarizer | SummarizeFunction | undefined;
  private readonly threshold: number;
  private readonly target: number;
  private readonly reserveTokens: number | undefined;
  private readonly maxAttempts: number;
  private readonly attemptTimeoutMs: number;
  private readonly protectToolTokens: number | undefined;
  private readonly protectTurns: number;
  /**
   * Message counts kept across calls, keyed by tokenizer and content (an agent compresses the same
   * history turn after turn; a message edited in place gets a new key, so it is counted again).
   */
  private readonly counts = new TokenCountCache({ maxEntries: 50_000, maxBytes: 8 * 1024 * 1024 });

  /**
   * @param options - the summarizer and the thresholds; see {@link ContextCompressorOptions}.
   * @throws {CtxkitError} `INVALID_ARGUMENT` for a misspelt option, a share outside 0..1, `target > threshold`
   * or a summarizer without `summarize()`.
   */
  constructor(options: ContextCompressorOptions = {}) {
    checkOptionKeys(options, COMPRESSOR_OPTIONS, 'ContextCompressor options');
    this.summarizer = options.summarizer;
    if (
      this.summarizer !== undefined &&
      typeof this.summarizer !== 'function' &&
      typeof (this.summarizer as Summarizer).summarize !== 'function'
    ) {
      throw new CtxkitError('INVALID_ARGUMENT', 'summarizer must be a function or have a summarize() method');
    }
    this.threshold = checkShare('threshold', options.threshold ?? 0.8);
    this.target = checkShare('target', options.target ?? 0.5);
    if (this.target > this.threshold) {
      throw new CtxkitError('INVALID_ARGUMENT', 'target must not exceed threshold', {
        target: this.target,
        threshold: this.threshold,
      });
    }
    this.reserveTokens = checkCount('reserveTokens', options.reserveTokens);
    this.maxAttempts = Math.floor(checkCount('maxAttempts', options.maxAttempts, 1) ?? 1);
    this.attemptTimeoutMs = checkCount('attemptTimeoutMs', options.attemptTimeoutMs, 1) ?? 120_000;
    this.protectToolTokens = checkCount('protectToolTokens', options.protectToolTokens);
    this.protectTurns = Math.floor(checkCount('protectTurns', options.protectTurns) ?? 2);
  }

  /**
   * Compresses a conversation when the next request would not fit under the threshold (or when
   * `force` is set). Threshold and target are shares of the free space: the window less the reply
   * reserve, tools, `extraTokens`, system and pinned messages.
   * @throws {CtxkitError} `INVALID_ARGUMENT` for a bad limit, a bad or misspelt option; `INVALID_MESSAGE`
   * for a malformed message; `BUDGET_EXCEEDED` (with `protectedTokens`, `needed` and `budget`) when even the
   * protected messages, shortened, cannot fit `contextLimit − reserveTokens`.
   * @param messages - the conversation to compress; it is not modified.
   * @param options - the context window and tokenizer of this request; see {@link CompressOptions}.
   */
  async compress(messages: readonly Message[], options: CompressOptions): Promise<CompressionResult> {
    const started = performance.now();
    if (!Array.isArray(messages)) throw new CtxkitError('INVALID_ARGUMENT', 'messages must be an array');
    if (options === undefined) throw new CtxkitError('INVALID_ARGUMENT', 'compress options are required');
    checkOptionKeys(options, COMPRESS_OPTIONS, 'compress options');
    const { contextLimit, tokenizer } = options;
    if (typeof contextLimit !== 'number' || !Number.isFinite(contextLimit) || contextLimit <= 0) {
      throw new CtxkitError(
        'INVALID_ARGUMENT',
        `contextLimit must be a positive number, got ${String(contextLimit)}`,
      );
    }
    checkTokenizer(tokenizer);
    const extra = Math.floor(checkCount('extraTokens', options.extraTokens) ?? 0);
    if (options.tools !== undefined && !Array.isArray(options.tools)) {
      throw new CtxkitError('INVALID_ARGUMENT', 'tools must be an array of tool definitions');
    }
    const reserve = this.reserveTokens ?? Math.min(8192, Math.floor(contextLimit / 8));
    const usable = Math.floor(contextLimit - reserve);
    if (usable <= 0) {
      throw new CtxkitError('INVALID_ARGUMENT', 'reserveTokens leaves no room in the context window', {
        contextLimit,
        reserveTokens: reserve,
      });
    }
    // A broken input (orphan results, unanswered calls) is repaired first: every output must be valid.
    // Calls still in flight (the last step of a live loop) are left alone: their results may still arrive.
    const input =
      validateConversation(messages, PENDING).length === 0
        ? [...messages]
        : repairConversation(messages, PENDING).messages;
    const work = new WorkingConversation(input, tokenizer, options.tools, this.counts);
    const before = work.total() + extra;
    // What no stage frees: tools and priming, extra tokens, system and pinned messages.
    let fixed = work.base + extra;
    for (const m of input) if (m.role === 'system' || m.pinned === true) fixed += work.count(m);
    const free = Math.max(0, usable - fixed);
    const thresholdTokens = fixed + Math.floor(this.threshold * free);
    const targetTokens = fixed + Math.floor(this.target * free);
    const triggered = options.force === true || before > thresholdTokens;
    const goal = Math.min(targetTokens, Math.floor(before * (1 - MIN_REDUCTION))) - extra;
    const steps: CompressionStep[] = [];
    if (!triggered) {
      return {
        messages: input,
        before,
        after: before,
        triggered,
        targetMet: before <= targetTokens,
        goal: goal + extra,
        steps,
        ledger: emptyLedger(),
      };
    }
    const record = (kind: CompressionStep['kind'], run: () => number) => {
      const at = work.total();
      const n = run();
      if (n > 0) steps.push({ kind, tokensSaved: at - work.total(), messages: n });
    };

    record('supersede', () => supersedeReads(work, goal));
    if (work.total() > goal) {
      const protectTokens = this.protectToolTokens ?? Math.min(40_000, Math.floor(free * 0.25));
      record('prune', () => pruneToolOutputs(work, goal, { protectTokens, protectTurns: this.protectTurns }));
    }
    if (work.total() > goal) {
      // A stub of a recent output costs less meaning than summarizing every step before it: the
      // recent outputs become stubs too before anything is summarized (never the current step —
      // the model has not seen those results yet).
      record('prune', () => pruneToolOutputs(work, goal, { protectTokens: 0, protectTurns: 0 }));
    }
    let summary: string | undefined;
    let summaryBy: string | undefined;
    let ledger: Ledger | undefined;
    if (work.total() > goal) {
      const done = await summarizeStage(work, goal, {
        summarizer: this.summarizer,
        maxAttempts: this.maxAttempts,
        attemptTimeoutMs: this.attemptTimeoutMs,
        deadline: started + this.attemptTimeoutMs * this.maxAttempts,
        signal: options.signal,
        free,
        ceiling: thresholdTokens - extra,
      });
      if (done) {
        steps.push(done.step);
        summary = done.summary;
        summaryBy = done.step.summarizer;
        ledger = done.ledger;
      }
    }
    if (work.total() > goal) {
      const dropped = dropStage(work, goal);
      if (dropped) {
        steps.push(dropped.step);
        summary = dropped.summary;
        summaryBy ??= 'extractive';
        ledger = dropped.ledger;
      }
    }
    if (work.total() + extra > usable) {
      const trimmed = fitSmallWindow(work, usable - extra);
      if (trimmed) {
        steps.push(...trimmed.steps);
        if (trimmed.summary !== undefined) summary = trimmed.summary;
        if (trimmed.ledger !== undefined) ledger = trimmed.ledger;
      }
    }
    let out = work.messages;
    if (validateConversation(out, PENDING).length > 0) out = repairConversation(out, PENDING).messages; // defensive
    work.messages = out;
    const after = work.total() + extra;
    if (after > usable) {
      const protectedTokens = protectedTokensOf(work) + extra;
      throw new CtxkitError(
        'BUDGET_EXCEEDED',
        `protected messages need ${protectedTokens} tokens (with tools and extra tokens), the window allows ${usable}`,
        { protectedTokens, needed: after, budget: usable },
      );
    }
    const result: CompressionResult = {
      messages: out,
      before,
      after,
      triggered,
      targetMet: after <= goal + extra,
      goal: goal + extra,
      steps,
      ledger: ledger ?? stubLedger(out),
    };
    if (summary !== undefined) result.summary = summary;
    if (summary !== undefined && summaryBy !== undefined) result.summaryBy = summaryBy;
    return result;
  }
}

const PENDING = { allowPendingCalls: true } as const;

/** Tokens of what no stage removes: tools, priming and the protected messages. */
function protectedTokensOf(work: WorkingConversation): number {
  let n = work.base;
  for (const i of work.protectedSet()) n += work.count(work.messages[i]!);
  return n;
}

/** The ledger of what stages 1–2 stubbed: extracted from the originals and the calls that produced them. */
function stubLedger(messages: readonly Message[]): Ledger {
  const stubbed = new Set<string>();
  for (const m of messages)
    if (compactionTag(m)?.kind === 'stub' && m.tool_call_id) stubbed.add(m.tool_call_id);
  if (stubbed.size === 0) return emptyLedger();
  const relevant = messages
    .filter(
      (m) =>
        (m.role === 'tool' && stubbed.has(m.tool_call_id ?? '')) ||
        (m.tool_calls ?? []).some((c) => stubbed.has(c.id)),
    )
    .map(unwrapOriginal)
    .map((m) => (m.role === 'assistant' ? { ...m, content: '' } : m));
  const ledger = extractLedger(relevant);
  // What stubs keep: error lines; commands and paths stay in the kept calls.
  return { ...ledger, constraints: [], todos: [] };
}

/**
 * Stage 5: drops the oldest turn groups after the summary and folds them into it
 * (originals kept, facts added to the ledger), creating a summary if there is none.
 */
function dropStage(
  work: WorkingConversation,
  goal: number,
): { step: CompressionStep; summary: string; ledger: Ledger } | undefined {
  const beforeTotal = work.total();
  let droppedCount = 0;
  let summary: string | undefined;
  let ledger: Ledger | undefined;
  for (let round = 0; round < 6 && work.total() > goal; round++) {
    const msgs = work.messages;
    let at = msgs.findIndex((m) => compactionTag(m)?.kind === 'summary');
    const protectedIdx = work.protectedSet();
    const overshoot = work.total() - goal;
    const currentMessages = msgs.reduce((s, m) => s + work.count(m), 0);
    const { messages: kept, dropped } = dropToFit(msgs, {
      maxTokens: currentMessages - overshoot - (round === 0 ? 0 : 64 * round),
      count: work.count,
      pinned: (m, i) => i <= at || protectedIdx.has(i) || m.role === 'system',
    });
    if (dropped.length === 0) break;
    droppedCount += dropped.length;
    const old = at >= 0 ? msgs[at]! : undefined;
    const tag = old ? compactionTag(old) : undefined;
    const prevLedger = tag?.kind === 'summary' ? tag.ledger : emptyLedger();
    const prevText = tag?.kind === 'summary' ? tag.summary : '';
    const prevOriginals = tag?.kind === 'summary' ? tag.originals : [];
    const prevKept = tag?.kind === 'summary' ? (tag.kept ?? []) : [];
    const merged = mergeLedgers(prevLedger, extractLedger(dropped.map(unwrapOriginal)));
    const text = ensureLedger(
      prevText || `## Context\n${dropped.length} earlier messages were dropped to fit the context window.`,
      merged,
    );
    const roundStart = work.total();
    const previousMessages = work.messages;
    if (old) {
      const fresh = summaryMessage(text, merged, [...prevOriginals, ...dropped], prevKept);
      work.messages = kept.map((m) => (m === old ? fresh : m));
    } else {
      // The new summary stands for the span from the first to the last dropped message; what the
      // window kept inside it (pins, anchors) sits right before the summary, so a restore is exact.
      const goneSet = new Set(dropped);
      const first = msgs.indexOf(dropped[0]!);
      const last = msgs.indexOf(dropped[dropped.length - 1]!);
      const span = msgs.slice(first, last + 1);
      const keptInSpan = span.flatMap((m, k) => (goneSet.has(m) ? [] : [k]));
      const fresh = summaryMessage(text, merged, span, keptInSpan);
      const keptBefore = msgs.slice(0, last + 1).filter((m) => !goneSet.has(m)).length;
      at = keptBefore;
      work.messages = [...kept.slice(0, keptBefore), fresh, ...kept.slice(keptBefore)];
    }
    if (work.total() >= roundStart) {
      // Folding cost more than dropping saved: undo the round and stop.
      work.messages = previousMessages;
      droppedCount -= dropped.length;
      break;
    }
    summary = text;
    ledger = merged;
  }
  if (droppedCount === 0 || summary === undefined || ledger === undefined) return undefined;
  return {
    step: { kind: 'drop', tokensSaved: beforeTotal - work.total(), messages: droppedCount },
    summary,
    ledger,
  };
}

function checkTokenizer(tokenizer: Tokenizer): void {
  if (
    !tokenizer ||
    typeof tokenizer.countMessage !== 'function' ||
    typeof tokenizer.countMessages !== 'function' ||
    typeof tokenizer.countTokens !== 'function'
  ) {
    throw new CtxkitError(
      'INVALID_ARGUMENT',
      'tokenizer must implement the @ctxkit/core Tokenizer interface',
    );
  }
}

/**
 * One call instead of a compressor object:
 * `compressContext(messages, currentTokenCount, contextLimit, tokenizer)` compresses with a
 * {@link ContextCompressor} (default options unless given). `currentTokenCount` is the caller's
 * own count of the request; when it is larger than ours (a system prompt or tool definitions the
 * messages do not carry), the difference counts toward every budget.
 * @param messages - the conversation to compress; it is not modified.
 * @param currentTokenCount - the caller's own token count of the whole request.
 * @param contextLimit - the model's context window, in tokens.
 * @param tokenizer - counts tokens the way the model does.
 * @param options - compressor options, and `force` to compress below the threshold.
 */
export function compressContext(
  messages: readonly Message[],
  currentTokenCount: number,
  contextLimit: number,
  tokenizer: Tokenizer,
  options: ContextCompressorOptions & { force?: boolean } = {},
): Promise<CompressionResult> {
  checkTokenizer(tokenizer);
  const own = tokenizer.countMessages(messages);
  const extraTokens = Number.isFinite(currentTokenCount) ? Math.max(0, currentTokenCount - own) : 0;
  const compressOptions: CompressOptions = { contextLimit, tokenizer, extraTokens };
  if (options.force !== undefined) compressOptions.force = options.force;
  return new ContextCompressor(options).compress(messages, compressOptions);
}
