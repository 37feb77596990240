import type { Message } from '@ctxkit/core';
import { ExtractiveSummarizer } from './extractive.js';
import { ensureLedger, extractLedger, type Ledger, renderFacts } from './ledger.js';
import { chooseRegion, type Region } from './region.js';
import { garbageReason } from './summary-garbage.js';
import { summaryMessage, summaryText, unwrapOriginal } from './summary-message.js';
import type { CompressionStep, SummarizeFunction, Summarizer, SummaryRequest } from './types.js';
import { isSummary, type WorkingConversation } from './working-conversation.js';

/** Settings the summarize stage needs from the compressor. @internal */
export interface SummarizeSettings {
  summarizer: Summarizer | SummarizeFunction | undefined;
  maxAttempts: number;
  attemptTimeoutMs: number;
  /** `performance.now()` by which every attempt must have ended: compress start + attempts × timeout. */
  deadline: number;
  signal: AbortSignal | undefined;
  /** Free space of the window (usable less the fixed part): the summary budget scales with it. */
  free: number;
  /** The compaction threshold in tokens of messages (the goal's ceiling). */
  ceiling: number;
}

/** A summary budget below this carries too few facts to be worth the compaction. */
const MIN_SUMMARY_TOKENS = 400;

/** Tokens the summary wrapper and its framing cost beyond the summary text. */
const WRAPPER_TOKENS = 60;

const extractive = new ExtractiveSummarizer();

function callSummarizer(s: Summarizer | SummarizeFunction, request: SummaryRequest): Promise<string> {
  return typeof s === 'function' ? s(request) : s.summarize(request);
}

/** Runs `task`, rejecting when `signal` aborts even if the task ignores the signal. */
function raceAbort<T>(task: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    task.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 200);
  return String(error).slice(0, 200);
}

/**
 * Stages 3 and 4: summarizes the oldest region into one summary message, with
 * the configured summarizer (bounded attempts and time) or deterministically.
 * @returns the step and the summary, or `undefined` when there is nothing to summarize.
 * @internal
 */
export async function summarizeStage(
  work: WorkingConversation,
  goal: number,
  settings: SummarizeSettings,
): Promise<{ step: CompressionStep; summary: string; ledger: Ledger } | undefined> {
  const tk = work.tokenizer;
  // A realistic budget: a share of the free space, never below what the ledger's facts need.
  let budget = Math.min(8000, Math.max(256, Math.floor(settings.free * 0.15)));
  let region = chooseRegion(work, goal, budget + WRAPPER_TOKENS);
  if (!region) return undefined;
  let regionMsgs = region.indexes.map((i) => work.messages[i]!);
  let ledger = extractLedger(regionMsgs.map(unwrapOriginal));
  const factsTokens = tk.countTokens(renderFacts(ledger));
  if (factsTokens + 64 > budget) {
    budget = factsTokens + 64;
    region = chooseRegion(work, goal, budget + WRAPPER_TOKENS) ?? region;
    regionMsgs = region.indexes.map((i) => work.messages[i]!);
    ledger = extractLedger(regionMsgs.map(unwrapOriginal));
  }
  const regionTokens = regionMsgs.reduce((s, m) => s + work.count(m), 0);
  // What the summary may cost for the result to reach the goal; the ledger's facts are kept regardless.
  const room = goal - (work.total() - regionTokens) - WRAPPER_TOKENS;
  const ledgerNeeds = tk.countTokens(renderFacts(ledger)) + 64;
  // In a small window the goal can leave a summary almost nothing; a summary too small to carry
  // facts saves tokens and loses the task. It may then use up to half of the room the threshold
  // leaves above the goal, up to MIN_SUMMARY_TOKENS (the result stays under the threshold).
  const ceilingRoom = Math.floor((settings.ceiling - goal) / 2) + room;
  const floor = Math.min(MIN_SUMMARY_TOKENS, ceilingRoom);
  if (room < budget) budget = Math.max(ledgerNeeds, room, floor);
  const previous = regionMsgs.filter(isSummary).map(summaryText).pop();
  const forSummary = regionMsgs.filter((m) => !isSummary(m));
  const base = { messages: forSummary, ledger, maxTokens: budget, tokenizer: tk };
  if (previous !== undefined) Object.assign(base, { previousSummary: previous });

  const failures: string[] = [];
  let text: string | undefined;
  let by = 'extractive';
  if (settings.summarizer) {
    const s = settings.summarizer;
    by = typeof s === 'function' ? s.name || 'function' : (s.name ?? 'summarizer');
    for (let attempt = 0; attempt < settings.maxAttempts && text === undefined; attempt++) {
      if (settings.signal?.aborted) break;
      // The last attempts get what is left, so the whole stage ends within attempts × timeout
      // of the start of compress (a little is kept for the deterministic summary).
      const ms = Math.min(settings.attemptTimeoutMs, settings.deadline - performance.now() - 25);
      if (ms <= 0) {
        failures.push('no time left for another attempt');
        break;
      }
      const ctrl = new AbortController();
      const timer = setTimeout(
        () => ctrl.abort(new Error(`summarizer timed out after ${Math.round(ms)} ms`)),
        ms,
      );
      const onOuter = () => ctrl.abort(settings.signal?.reason);
      settings.signal?.addEventListener('abort', onOuter, { once: true });
      try {
        const out = await raceAbort(callSummarizer(s, { ...base, signal: ctrl.signal }), ctrl.signal);
        const raw = typeof out === 'string' ? out.trim() : '';
        const bad = garbageReason(raw);
        const tokens = bad ? 0 : tk.countTokens(raw);
        if (bad) failures.push(bad);
        else if (tokens >= regionTokens)
          failures.push(`not smaller than its input (${tokens} ≥ ${regionTokens} tokens)`);
        else if (tk.countTokens(ensureLedger(raw, ledger)) > budget * 1.25)
          failures.push(`over its budget (${tokens} tokens, budget ${budget})`);
        else text = raw;
      } catch (error) {
        failures.push(reasonOf(error));
      } finally {
        clearTimeout(timer);
        settings.signal?.removeEventListener('abort', onOuter);
      }
    }
  }
  const kind = text === undefined ? 'fallback-summary' : 'summarize';
  if (text === undefined) {
    text = extractive.summarizeSync(base);
    by = 'extractive';
  }
  const final = ensureLedger(text, ledger);
  const message = summaryMessage(final, ledger, [], []);
  const summaryCost = work.count(message);
  // Fill the goal, don't overshoot: the region was chosen for a summary of `budget` tokens; a
  // smaller one leaves room, so the newest units of the region stay verbatim as far as it goes.
  const cut = fillCut(work, region, Math.max(goal, work.total() - regionTokens + summaryCost), summaryCost);
  const removedIdx = region.indexes.filter((i) => i < cut);
  if (removedIdx.length === 0) return undefined;
  // Originals span the region, protected messages left in place included (so a restore is exact).
  const from = removedIdx[0]!;
  const span = work.messages.slice(from, cut);
  const removed = new Set(removedIdx);
  const kept = span.flatMap((_, k) => (removed.has(from + k) ? [] : [k]));
  const placed = summaryMessage(final, ledger, span, kept);
  const before = work.total();
  const next: Message[] = [];
  work.messages.forEach((m, i) => {
    if (i === cut) next.push(placed);
    if (!removed.has(i)) next.push(m);
  });
  if (cut >= work.messages.length) next.push(placed);
  const previousMessages = work.messages;
  work.messages = next;
  if (work.total() >= before) {
    // A summary that saves nothing (tiny regions) is not a compaction: keep the messages.
    work.messages = previousMessages;
    return undefined;
  }
  const step: CompressionStep = {
    kind,
    tokensSaved: before - work.total(),
    messages: removedIdx.length,
    summarizer: by,
  };
  if (failures.length > 0) step.failures = failures;
  return { step, summary: summaryText(placed) ?? final, ledger };
}

/**
 * The latest cut at or before `region.cut` that still reaches `goal` with a summary of
 * `summaryCost` tokens: the region's newest units go back verbatim while the goal allows.
 * A cut sits at a unit start (never inside a tool pair).
 */
function fillCut(work: WorkingConversation, region: Region, goal: number, summaryCost: number): number {
  const msgs = work.messages;
  const inRegion = new Set(region.indexes);
  let total = work.total() + summaryCost;
  for (const i of region.indexes) total -= work.count(msgs[i]!);
  let best = region.cut;
  const starts = work.unitStarts().filter((c) => c < region.cut && c > region.indexes[0]!);
  // Walk candidate cuts newest first: each step puts the units in [c, previous cut) back.
  let at = region.cut;
  for (let k = starts.length - 1; k >= 0; k--) {
    const c = starts[k]!;
    for (let i = c; i < at; i++) if (inRegion.has(i)) total += work.count(msgs[i]!);
    at = c;
    if (total > goal) break;
    if (msgs[c]!.role !== 'tool') best = c;
  }
  return best;
}
