import {
  CtxkitError,
  type Message,
  repairConversation,
  type Tokenizer,
  validateConversation,
} from '@ctxkit/core';
import { dropToFit } from './drop.js';
import { emptyLedger, ensureLedger, extractLedger, type Ledger, mergeLedgers } from './ledger.js';
import { pruneToolOutputs } from './prune.js';
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
import { Work } from './work.js';

/** Every compression removes at least this share of the tokens, or it reports `targetMet: false`. */
export const MIN_REDUCTION = 0.3;

function checkShare(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > 1) {
    throw new CtxkitError('INVALID_ARGUMENT', `${name} must be in (0, 1], got ${value}`, { [name]: value });
  }
  return value;
}

/**
 * Staged context compression, cheapest stage first, stopping as soon as the
 * conversation is at the goal:
 * 1. supersede older reads of files read again later;
 * 2. prune old tool outputs to stubs (tool, arguments, exit status, first/last lines, errors);
 * 3. summarize the oldest region (cut at a user message, never inside a tool pair) into one
 *    `user` summary message that updates any previous summary;
 * 4. fall back to the deterministic {@link ExtractiveSummarizer} when the summarizer is absent,
 *    fails, times out or returns empty, garbage or not-smaller output;
 * 5. drop the oldest turn groups (folded into the summary) as a last resort.
 *
 * Every result is a valid conversation within `contextLimit − reserveTokens` that keeps system
 * and pinned messages, the first and the latest user message word for word, and every fact of
 * the {@link Ledger} in its summary. Stubs and summaries carry their originals in
 * `metadata.ctxkit`, so {@link restoreOriginals} undoes a compaction.
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
   * Per-tokenizer message counts, kept across calls: an agent compresses the same history turn
   * after turn, and each message (immutable by convention) is counted once. Weak, so nothing leaks.
   */
  private readonly counts = new Map<
    string,
    { messages: WeakMap<Message, number>; stubs: Map<string, number> }
  >();

  constructor(options: ContextCompressorOptions = {}) {
    this.summarizer = options.summarizer;
    this.threshold = checkShare('threshold', options.threshold ?? 0.8);
    this.target = checkShare('target', options.target ?? 0.5);
    if (this.target > this.threshold) {
      throw new CtxkitError('INVALID_ARGUMENT', 'target must not exceed threshold', {
        target: this.target,
        threshold: this.threshold,
      });
    }
    this.reserveTokens = options.reserveTokens;
    this.maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 3));
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 120_000;
    this.protectToolTokens = options.protectToolTokens;
    this.protectTurns = options.protectTurns ?? 2;
  }

  /**
   * Compresses a conversation when it is over the threshold (or when `force` is set).
   * @throws {CtxkitError} `INVALID_ARGUMENT` for a bad limit; `INVALID_MESSAGE` for a malformed message;
   * `BUDGET_EXCEEDED` when even the protected messages cannot fit `contextLimit − reserveTokens`.
   */
  async compress(messages: readonly Message[], options: CompressOptions): Promise<CompressionResult> {
    const started = performance.now();
    const { contextLimit, tokenizer } = options;
    if (!Array.isArray(messages)) throw new CtxkitError('INVALID_ARGUMENT', 'messages must be an array');
    if (!Number.isFinite(contextLimit) || contextLimit <= 0) {
      throw new CtxkitError(
        'INVALID_ARGUMENT',
        `contextLimit must be a positive number, got ${contextLimit}`,
      );
    }
    checkTokenizer(tokenizer);
    const reserve = this.reserveTokens ?? Math.min(8192, Math.floor(contextLimit / 8));
    const usable = Math.floor(contextLimit - reserve);
    if (usable <= 0) {
      throw new CtxkitError('INVALID_ARGUMENT', 'reserveTokens leaves no room in the context window', {
        contextLimit,
        reserveTokens: reserve,
      });
    }
    // A broken input (orphan results, unanswered calls) is repaired first: every output must be valid.
    const input =
      validateConversation(messages).length === 0 ? [...messages] : repairConversation(messages).messages;
    let cache = this.counts.get(tokenizer.id);
    if (!cache) {
      cache = { messages: new WeakMap(), stubs: new Map() };
      this.counts.set(tokenizer.id, cache);
    }
    const work = new Work(input, tokenizer, options.tools, cache.messages, cache.stubs);
    const extra = Math.max(0, options.extraTokens ?? 0);
    const before = work.total() + extra;
    const triggered = options.force === true || before > this.threshold * usable;
    const goal = Math.min(Math.floor(this.target * usable), Math.floor(before * (1 - MIN_REDUCTION))) - extra;
    const steps: CompressionStep[] = [];
    if (!triggered) {
      return {
        messages: input,
        before,
        after: before,
        triggered,
        targetMet: before <= Math.floor(this.target * usable),
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
      const protectTokens = this.protectToolTokens ?? Math.min(40_000, Math.floor(usable * 0.25));
      record('prune', () => pruneToolOutputs(work, goal, { protectTokens, protectTurns: this.protectTurns }));
    }
    let summary: string | undefined;
    let ledger: Ledger | undefined;
    if (work.total() > goal) {
      const done = await summarizeStage(work, goal, {
        summarizer: this.summarizer,
        maxAttempts: this.maxAttempts,
        attemptTimeoutMs: this.attemptTimeoutMs,
        deadline: started + this.attemptTimeoutMs * this.maxAttempts,
        signal: options.signal,
      });
      if (done) {
        steps.push(done.step);
        summary = done.summary;
        ledger = done.ledger;
      }
    }
    if (work.total() > goal) {
      const dropped = dropStage(work, goal);
      if (dropped) {
        steps.push(dropped.step);
        summary = dropped.summary;
        ledger = dropped.ledger;
      }
    }
    if (work.total() > goal) {
      // Last resort before giving up: the protected newest tool outputs become stubs too.
      record('prune', () => pruneToolOutputs(work, goal, { protectTokens: 0, protectTurns: 0 }));
    }
    let out = work.messages;
    if (validateConversation(out).length > 0) out = repairConversation(out).messages; // defensive; never expected
    work.messages = out;
    const after = work.total() + extra;
    if (after > usable) {
      throw new CtxkitError('BUDGET_EXCEEDED', 'protected messages do not fit the context window', {
        needed: after,
        budget: usable,
      });
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
    return result;
  }
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
  work: Work,
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
    const fresh = summaryMessage(text, merged, [...prevOriginals, ...dropped], prevKept);
    const roundStart = work.total();
    const previousMessages = work.messages;
    if (old) {
      work.messages = kept.map((m) => (m === old ? fresh : m));
    } else {
      // Place the new summary where the first dropped message was.
      const firstDropped = msgs.indexOf(dropped[0]!);
      const keptBefore = msgs.slice(0, firstDropped).filter((m) => kept.includes(m)).length;
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
 * The original request's entry point, kept as a documented alias:
 * `compressContext(messages, currentTokenCount, contextLimit, tokenizer)` compresses with a
 * {@link ContextCompressor} (default options unless given). `currentTokenCount` is the caller's
 * own count of the request; when it is larger than ours (a system prompt or tool definitions the
 * messages do not carry), the difference counts toward every budget.
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
