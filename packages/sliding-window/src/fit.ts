import {
  CtxkitError,
  checkOptionKeys,
  type Message,
  type TokenCounter,
  type Tokenizer,
  validateConversation,
} from '@ctxkit/core';
import { resolveBudget, resolveCounter } from './counter.js';
import { FLAG_PIN, INDEX_PIN, type PinSource, pinPredicate } from './pinning.js';
import { WindowState } from './window-state.js';

/** Options for {@link fitToBudget}. Give exactly one of `count` or `tokenizer`. */
export interface FitOptions {
  /** The model's context size in tokens. */
  maxTokens: number;
  /** Counts one message. */
  count?: TokenCounter;
  /** A core tokenizer, used through `countMessage` instead of `count`. */
  tokenizer?: Tokenizer;
  /**
   * Messages to keep besides system messages and `message.pinned` ones: a list of ids, or a predicate
   * over the message and its index.
   * @default undefined (only system, `pinned: true` and, with `keepFirstUserMessage`, the first user message)
   */
  pinned?: Iterable<string> | ((message: Message, index: number) => boolean);
  /**
   * `'last'` keeps the newest turns, like the window; `'first'` keeps the oldest.
   * @default 'last'
   */
  strategy?: 'last' | 'first';
  /**
   * Tokens kept free for the reply: messages may use `maxTokens - reserveTokens`.
   * @default 0
   */
  reserveTokens?: number;
  /**
   * Keep the first user message as if pinned, as in {@link SlidingWindowContextManager}.
   * @default true
   */
  keepFirstUserMessage?: boolean;
}

/** What {@link fitToBudget} returns. */
export interface FitResult {
  /** The kept messages in conversation order; they pass `validateConversation`. */
  messages: Message[];
  /** The messages left out, in conversation order. */
  dropped: Message[];
  /** Tokens of the kept messages. */
  totalTokens: number;
}

// A misspelt option is an error, not a silently ignored default.
const FIT_OPTION_KEYS = {
  maxTokens: true,
  count: true,
  tokenizer: true,
  pinned: true,
  strategy: true,
  reserveTokens: true,
  keepFirstUserMessage: true,
} satisfies Record<keyof FitOptions, true>;

/**
 * Fits a whole conversation into a token budget without keeping state, under the same rules as
 * {@link SlidingWindowContextManager}: system and pinned messages stay, turn groups (a call and all its
 * results) stay whole, the kept part starts at a user message, the output passes `validateConversation`.
 *
 * With `strategy: 'last'` the result is the window a manager would hold after adding the same messages
 * (when no intermediate add was refused); the newest turn and its user message are required. With
 * `'first'`, the longest run of turns from the start is kept after the pins; the first user message
 * is required. Each message is counted once.
 *
 * A conversation may end with an assistant message whose calls have no results yet (a live loop); the
 * output then does too, and passes `validateConversation(out, { allowPendingCalls: true })`.
 *
 * @throws {CtxkitError} `BUDGET_EXCEEDED` (details `needed`, `budget`) when the required messages cannot
 * fit; `INVALID_CONVERSATION` (details `problems`) for input `validateConversation` rejects — run
 * `repairConversation` first; `INVALID_ARGUMENT` for bad options.
 * @param messages - the whole conversation; it is not modified.
 * @param options - the budget, the counter and what to keep; see {@link FitOptions}.
 */
export function fitToBudget(messages: readonly Message[], options: FitOptions): FitResult {
  const where = 'fitToBudget';
  if (options === null || typeof options !== 'object') {
    throw new CtxkitError('INVALID_ARGUMENT', `${where}: options are required`);
  }
  checkOptionKeys(options, FIT_OPTION_KEYS, `${where} options`);
  const budget = resolveBudget(options.maxTokens, options.reserveTokens, where);
  const count = resolveCounter(options, where);
  const strategy = options.strategy ?? 'last';
  if (strategy !== 'last' && strategy !== 'first') {
    throw new CtxkitError('INVALID_ARGUMENT', `${where}: unknown strategy ${String(strategy)}`, { strategy });
  }
  if (!Array.isArray(messages)) {
    throw new CtxkitError('INVALID_ARGUMENT', `${where}: messages must be an array`);
  }
  const problems = validateConversation(messages, { allowPendingCalls: true });
  if (problems.length > 0) {
    throw new CtxkitError(
      'INVALID_CONVERSATION',
      `${where}: the conversation is invalid (${problems[0]?.message}); run repairConversation first`,
      { problems },
    );
  }
  const isPinned = pinPredicate(options.pinned);
  const state = new WindowState(count, options.keepFirstUserMessage ?? true);
  messages.forEach((message, index) => {
    const { tokens } = state.prepare(message);
    const pins: PinSource[] = [];
    if (message.pinned === true) pins.push(FLAG_PIN);
    if (isPinned(message, index)) pins.push(INDEX_PIN);
    state.append(message, tokens, pins);
    // 'last' replays the manager's adds, so both give the same window; where the manager would refuse
    // an add, evict what may leave and go on: only the end has to fit.
    if (strategy === 'last') state.evictTo(budget, true);
  });
  const required = strategy === 'last' ? state.required() : state.requiredFirst();
  if (required > budget) {
    throw new CtxkitError(
      'BUDGET_EXCEEDED',
      `${where}: the pinned messages and the ${strategy === 'last' ? 'newest' : 'first'} turn need ${required} tokens, the budget is ${budget}`,
      { needed: required, budget, maxTokens: options.maxTokens, pinnedTokens: state.pinnedTokens },
    );
  }
  if (strategy === 'last') {
    state.evictTo(budget);
    return { messages: state.messages(), dropped: state.dropped(), totalTokens: state.total };
  }
  return state.keepFirst(budget);
}
