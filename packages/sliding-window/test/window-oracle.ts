// A deterministic counter and an independent oracle for the window's rules, checked over the
// generated agent scripts of `@ctxkit/test-utils` (`scriptArb`).
import { groupTurns, type Message, messageText, toolArgumentsToString } from '@ctxkit/core';
import { type Op, pinRule } from '@ctxkit/test-utils';

/**
 * A deterministic character-based counter (≈ 4 characters a token, as the usual estimators do):
 * 4 tokens of role framing, the text, and each tool call's name and arguments.
 */
export function charCount(message: Message): number {
  let chars = messageText(message).length;
  for (const call of message.tool_calls ?? []) {
    chars += call.function.name.length + toolArgumentsToString(call.function.arguments).length;
  }
  return 4 + Math.ceil(chars / 4) + 3 * (message.tool_calls?.length ?? 0);
}

/** A text whose message (no tool calls) {@link charCount} counts as exactly `tokens`, from 4 up. */
export function textOfTokens(tokens: number): string {
  return 'abcd'.repeat(Math.max(0, tokens - 4));
}

/**
 * The independent oracle: the fewest tokens a window over `conversation` can hold, recomputed from
 * scratch with {@link groupTurns}. Required are every group holding a pinned message (`isPinned`), the
 * user message each pinned turn answers, the newest group, and the newest user message.
 */
export function requiredTokens(
  conversation: readonly Message[],
  isPinned: (m: Message) => boolean,
  count: (m: Message) => number,
): number {
  const groups = groupTurns(conversation);
  const required = new Set<number>();
  let head = -1;
  groups.forEach((g, i) => {
    if (g.role === 'user') head = i;
    const pinned = g.messages.some((m) => m.role === 'system' || isPinned(m));
    const newest = i === groups.length - 1;
    if (pinned || newest) {
      required.add(i);
      if (g.role !== 'user' && g.role !== 'system' && head >= 0) required.add(head);
    }
    if (newest && g.role === 'system' && head >= 0) required.add(head);
  });
  let sum = 0;
  for (const i of required) for (const m of (groups[i] as (typeof groups)[number]).messages) sum += count(m);
  return sum;
}

/** Whether `sub` is a subsequence of `all` (same objects, same order). */
export function isSubsequence(sub: readonly unknown[], all: readonly unknown[]): boolean {
  let j = 0;
  for (const x of all) if (j < sub.length && sub[j] === x) j++;
  return j === sub.length;
}

/** For each assistant or tool message of `out`, whether the user message its exchange started with (in `all`) is kept too. */
export function everyTurnKeepsItsQuestion(out: readonly Message[], all: readonly Message[]): boolean {
  const kept = new Set(out);
  let head: Message | undefined;
  for (const m of all) {
    if (m.role === 'user') head = m;
    else if (m.role !== 'system' && kept.has(m) && (!head || !kept.has(head))) return false;
  }
  return true;
}

/** Counts of broken guarantees found by {@link checkScript}; every field must stay 0. */
export interface Violations {
  /** Outputs `validateConversation` rejects. */
  invalid: number;
  /** Outputs over the budget, or whose running total differs from a recount. */
  overBudget: number;
  /** Pinned messages missing from an output. */
  lostPin: number;
  /** `BUDGET_EXCEEDED` thrown while satisfiable, or not thrown while unsatisfiable; any other error. */
  wrongError: number;
  /** Outputs out of conversation order, turns without their question, or messages neither kept nor dropped. */
  shape: number;
  /** Differences from `fitToBudget` over the same history. */
  mismatch: number;
}

/** What one checked script produced. */
export interface ScriptReport {
  violations: Violations;
  outputs: number;
  budgetErrors: number;
  evicted: number;
  /** Whether the final window was compared with `fitToBudget` (no refused add, no pin change mid-way). */
  compared: boolean;
}

/**
 * Runs a script against a window and checks every guarantee after every step, with an oracle that
 * recomputes from scratch what the window holds incrementally. Never throws; returns the counts.
 */
export function checkScript(
  ops: readonly Op[],
  budget: number,
  keepFirstUserMessage: boolean,
  deps: {
    Manager: typeof import('../src/manager.js').SlidingWindowContextManager;
    fitToBudget: typeof import('../src/fit.js').fitToBudget;
    validateConversation: typeof import('@ctxkit/core').validateConversation;
  },
  count: (m: Message) => number = charCount,
): ScriptReport {
  const v: Violations = { invalid: 0, overBudget: 0, lostPin: 0, wrongError: 0, shape: 0, mismatch: 0 };
  const w = new deps.Manager({ maxTokens: budget, count, keepFirstUserMessage });
  const all: Message[] = [];
  // Each reason a message is pinned, kept apart: an unpin removes only its own reason.
  const flagged = new Set<Message>();
  const byIndex = new Set<Message>();
  const byIdRule = new Set<string>();
  const byPredicate = new Set<Message>();
  let ruleActive = false;
  let firstUser: Message | undefined;
  let budgetErrors = 0;
  let outputs = 0;
  let pinOps = false;
  const isPinned = (m: Message) =>
    m.role === 'system' ||
    flagged.has(m) ||
    byIndex.has(m) ||
    byPredicate.has(m) ||
    (m.id !== undefined && byIdRule.has(m.id)) ||
    (keepFirstUserMessage && m === firstUser);
  const tryAdd = (m: Message): 'added' | 'refused' | 'rejected' => {
    const nextFirst = firstUser ?? (m.role === 'user' ? m : undefined);
    const pinnedNext = (x: Message) =>
      isPinned(x) ||
      (x === m && (m.pinned === true || (ruleActive && pinRule(m)))) ||
      (keepFirstUserMessage && x === nextFirst);
    const needed = requiredTokens([...w.messages(), m], pinnedNext, count);
    try {
      w.add(m);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'BUDGET_EXCEEDED') {
        budgetErrors++;
        if (needed <= budget) v.wrongError++;
        return 'refused';
      }
      // After a refused message the script may continue with one that cannot follow (a result of a
      // refused call): the window must reject exactly those.
      const invalid = deps.validateConversation([...all, m], { allowPendingCalls: true }).length > 0;
      if (code !== 'INVALID_CONVERSATION' || !invalid) v.wrongError++;
      return 'rejected';
    }
    all.push(m);
    firstUser = nextFirst;
    if (m.pinned === true) flagged.add(m);
    if (ruleActive && pinRule(m)) byPredicate.add(m);
    if (needed > budget) v.wrongError++;
    return 'added';
  };
  for (const op of ops) {
    if (op.kind === 'add') {
      // An agent whose message is refused for size retries it truncated, as a real loop would.
      if (tryAdd(op.message) === 'refused') tryAdd({ ...op.message, content: '' });
    } else if (op.kind === 'pinIndex' || op.kind === 'unpinIndex') {
      pinOps = true;
      const out = w.messages();
      try {
        if (op.kind === 'pinIndex') w.pinMessage(op.index);
        else w.unpinMessage(op.index);
        const m = out[op.index];
        if (m === undefined) v.wrongError++;
        else if (op.kind === 'pinIndex') byIndex.add(m);
        else byIndex.delete(m);
      } catch (error) {
        if ((error as { code?: string }).code !== 'INVALID_ARGUMENT' || op.index < out.length) v.wrongError++;
      }
    } else if (op.kind === 'pinRule') {
      pinOps = true;
      w.pin(pinRule);
      ruleActive = true;
      for (const m of w.messages()) if (pinRule(m)) byPredicate.add(m);
    } else if (op.kind === 'unpinRule') {
      pinOps = true;
      w.unpin(pinRule);
      ruleActive = false;
      byPredicate.clear();
    } else {
      pinOps = true;
      const inWindow = w.messages().some((m) => m.id === op.id);
      if (op.kind === 'pin') {
        w.pin(op.id);
        if (inWindow) byIdRule.add(op.id);
      } else {
        w.unpin(op.id);
        byIdRule.delete(op.id);
      }
    }
    const out = w.messages();
    outputs++;
    const pending = w.pendingToolCalls().length > 0;
    if (
      deps.validateConversation(out, { allowPendingCalls: true }).length > 0 ||
      (!pending && deps.validateConversation(out).length > 0) ||
      deps.validateConversation(w.messages({ pending: 'omit' })).length > 0
    ) {
      v.invalid++;
    }
    let sum = 0;
    for (const m of out) sum += count(m);
    if (w.totalTokens() > budget || sum !== w.totalTokens()) v.overBudget++;
    const kept = new Set(out);
    for (const m of all) if (isPinned(m) && !kept.has(m)) v.lostPin++;
    const dropped = w.dropped();
    if (
      !isSubsequence(out, all) ||
      !isSubsequence(dropped, all) ||
      out.length + dropped.length !== all.length ||
      !everyTurnKeepsItsQuestion(out, all)
    ) {
      v.shape++;
    }
  }
  // Without refused adds or pin changes mid-way, the window equals fitToBudget over the same history.
  const compared = budgetErrors === 0 && !pinOps && all.length > 0;
  if (compared) {
    try {
      const fit = deps.fitToBudget(all, { maxTokens: budget, count, keepFirstUserMessage });
      const out = w.messages();
      if (fit.messages.length !== out.length || fit.messages.some((m, i) => m !== out[i])) v.mismatch++;
      if (fit.totalTokens !== w.totalTokens()) v.mismatch++;
    } catch {
      v.mismatch++;
    }
  }
  return { violations: v, outputs, budgetErrors, evicted: w.dropped().length, compared };
}
