// Replays a recorded conversation through a window one message
// at a time, checking every output, as an agent loop would feed it.
import { CtxkitError, type Message, messageText, validateConversation } from '@ctxkit/core';
import { SlidingWindowContextManager } from '../src/manager.js';
import { requiredTokens } from './window-oracle.js';

/** Figures of one or more replays; the first four must stay 0. */
export interface ReplayFigures {
  /** Outputs over the budget or whose running total differs from a recount. */
  overBudget: number;
  /** Outputs `validateConversation` rejects (pending calls allowed only while results are due). */
  validationProblems: number;
  /** System messages or the first user message missing from an output. */
  lostPins: number;
  /** `BUDGET_EXCEEDED` thrown although the oracle says the required messages fit, or any other error. */
  wrongErrors: number;
  transcripts: number;
  messagesAdded: number;
  outputsChecked: number;
  /** Adds refused with `BUDGET_EXCEEDED` (the message alone, or with the pins, exceeds the budget). */
  refused: number;
  /** Refused messages re-added truncated, as an agent loop would. */
  truncated: number;
  /** Replays that had to stop: even a truncated message could not fit next to the pins. */
  stopped: number;
  evicted: number;
  /** Messages and tokens kept at the end of each replay, summed. */
  keptMessages: number;
  keptTokens: number;
}

/** Zeroed figures. */
export function emptyFigures(): ReplayFigures {
  return {
    overBudget: 0,
    validationProblems: 0,
    lostPins: 0,
    wrongErrors: 0,
    transcripts: 0,
    messagesAdded: 0,
    outputsChecked: 0,
    refused: 0,
    truncated: 0,
    stopped: 0,
    evicted: 0,
    keptMessages: 0,
    keptTokens: 0,
  };
}

/** A copy of `m` cut down to about `tokens` tokens (≈ 2 characters a token, to be safe), or emptied. */
function truncate(m: Message, tokens: number): Message {
  const text = messageText(m);
  const keep = Math.max(0, Math.floor(tokens * 2));
  const cut: Message = { ...m, content: keep > 0 ? `${text.slice(0, keep)}\n[truncated]` : '' };
  if (keep === 0 && m.tool_calls) {
    cut.tool_calls = m.tool_calls.map((c) => ({
      ...c,
      function: { ...c.function, arguments: '{"truncated":true}' },
    }));
  }
  return cut;
}

/** Replays `messages` at `maxTokens`, adding the figures into `into`. */
export function replay(
  messages: readonly Message[],
  maxTokens: number,
  count: (m: Message) => number,
  into: ReplayFigures = emptyFigures(),
): ReplayFigures {
  const w = new SlidingWindowContextManager({ maxTokens, count });
  const f = into;
  f.transcripts++;
  let firstUser: Message | undefined;
  const system: Message[] = [];
  const check = () => {
    const out = w.messages();
    f.outputsChecked++;
    const pending = w.pendingToolCalls().length > 0;
    if (validateConversation(out, { allowPendingCalls: pending }).length > 0) f.validationProblems++;
    let sum = 0;
    for (const m of out) sum += count(m);
    if (w.totalTokens() > w.budget || sum !== w.totalTokens()) f.overBudget++;
    const kept = new Set(out);
    for (const m of system) if (!kept.has(m)) f.lostPins++;
    if (firstUser && !kept.has(firstUser)) f.lostPins++;
  };
  for (const original of messages) {
    let m = original;
    let added = false;
    for (let attempt = 0; attempt < 3 && !added; attempt++) {
      const first = firstUser ?? (m.role === 'user' ? m : undefined);
      const pinned = (x: Message) => x.role === 'system' || x === first;
      try {
        w.add(m);
        added = true;
        firstUser = first;
        if (m.role === 'system') system.push(m);
        f.messagesAdded++;
        if (attempt > 0) f.truncated++;
      } catch (error) {
        if (!(error instanceof CtxkitError) || error.code !== 'BUDGET_EXCEEDED') {
          f.wrongErrors++;
          break;
        }
        f.refused++;
        if (requiredTokens([...w.messages(), m], pinned, count) <= w.budget) f.wrongErrors++;
        const needed = Number(error.details?.needed);
        const own = Number(error.details?.messageTokens);
        const room = attempt === 0 ? w.budget - (needed - own) - 64 : 0;
        m = truncate(original, room);
      }
    }
    check();
    if (!added) {
      f.stopped++;
      break;
    }
  }
  f.evicted += w.dropped().length;
  f.keptMessages += w.size;
  f.keptTokens += w.totalTokens();
  return f;
}
