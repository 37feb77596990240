import { CtxkitError, checkOptionKeys, type Message, type TokenCounter, type Tokenizer } from '@ctxkit/core';
import { resolveBudget, resolveCounter } from './counter.js';
import { PinRules, type PinTarget } from './pinning.js';
import { WindowState } from './window-state.js';

// A misspelt option (`maxTokns`, `reserveToken`) is an error, not a silently ignored default.
const WINDOW_OPTION_KEYS = {
  maxTokens: true,
  tokenizer: true,
  count: true,
  reserveTokens: true,
  keepFirstUserMessage: true,
  onEvict: true,
} satisfies Record<keyof SlidingWindowOptions, true>;
const MESSAGES_OPTION_KEYS = { pending: true } satisfies Record<keyof WindowMessagesOptions, true>;

/** Options for {@link SlidingWindowContextManager}. Give exactly one of `tokenizer` or `count`. */
export interface SlidingWindowOptions {
  /** The model's context size in tokens. */
  maxTokens: number;
  /** A core tokenizer; messages are counted once each with `tokenizer.countMessage`. */
  tokenizer?: Tokenizer;
  /** Any counting function, used instead of a tokenizer. */
  count?: TokenCounter;
  /**
   * Tokens kept free for the reply (and request framing): messages may use `maxTokens - reserveTokens`.
   * @default 0
   */
  reserveTokens?: number;
  /**
   * Keep the first user message (usually the task) as if it were pinned: in an agent loop one user
   * message is often followed by hundreds of tool calls, and the task must survive.
   * @default true
   */
  keepFirstUserMessage?: boolean;
  /** Called after every add that evicted something (same as calling {@link SlidingWindowContextManager.onEvict}). */
  onEvict?: EvictListener;
}

/** What one add pushed out of the window. */
export interface EvictionEvent {
  /** The evicted messages, in conversation order. */
  messages: Message[];
  /** Their tokens. */
  tokens: number;
  /** The window's total after the eviction. */
  totalTokens: number;
  /** The budget messages may use (`maxTokens - reserveTokens`). */
  budget: number;
}

/** A listener for {@link EvictionEvent}s. */
export type EvictListener = (event: EvictionEvent) => void;

/** Options for {@link SlidingWindowContextManager.messages}. */
export interface WindowMessagesOptions {
  /**
   * What to do with the newest assistant message while some of its tool calls have no result yet
   * (the agent is running its tools): `'keep'` returns it — the list then passes
   * `validateConversation(list, { allowPendingCalls: true })` and becomes fully valid once every result
   * is added; `'omit'` leaves that unfinished turn out, so the list is valid to send as is.
   * @default 'keep'
   */
  pending?: 'keep' | 'omit';
}

/**
 * A fixed-token context window for an agent conversation that never produces a conversation a
 * provider rejects.
 *
 * - Each message is counted once, when added; `totalTokens()` is a running total (O(1)); eviction pops
 *   the oldest evictable group from a queue, so `add` is O(1) amortized.
 * - System messages are always pinned; the caller pins by id, predicate or `message.pinned`. Pinned
 *   messages never leave and keep their order. Pinning a tool result or an assistant message pins its
 *   whole turn group and keeps the user message that turn answers.
 * - The eviction unit is the turn group: an assistant message with tool calls and all of its results.
 * - An exchange's user message leaves together with the last of its turns, so after the pinned messages
 *   the window always starts at a user message, and no turn is kept without the question it answers.
 * - The newest turn group and the newest user message always stay. When they and the pins cannot fit,
 *   `add` throws `BUDGET_EXCEEDED` and changes nothing — it never exceeds the budget, never drops a pin.
 *
 * @example
 * ```ts
 * const window = new SlidingWindowContextManager({ maxTokens: 32_000, reserveTokens: 4_000, tokenizer });
 * window.add({ role: 'system', content: 'You are a coding agent.' });
 * window.add({ role: 'user', content: 'Fix the failing test.' });
 * const request = window.messages(); // always passes validateConversation
 * ```
 */
export class SlidingWindowContextManager {
  /** Tokens messages may use: `maxTokens - reserveTokens`. */
  readonly budget: number;
  /** The model's context size given at construction. */
  readonly maxTokens: number;
  private readonly state: WindowState;
  private readonly rules = new PinRules();
  private readonly listeners = new Set<EvictListener>();

  /**
   * @throws {CtxkitError} `INVALID_ARGUMENT` for a bad budget or a missing/duplicate counter.
   * @param options - the budget and the counter; see {@link SlidingWindowOptions}.
   */
  constructor(options: SlidingWindowOptions) {
    const where = 'SlidingWindowContextManager';
    if (options === null || typeof options !== 'object') {
      throw new CtxkitError('INVALID_ARGUMENT', `${where}: options are required`);
    }
    checkOptionKeys(options, WINDOW_OPTION_KEYS, `${where} options`);
    this.budget = resolveBudget(options.maxTokens, options.reserveTokens, where);
    this.maxTokens = options.maxTokens;
    this.state = new WindowState(resolveCounter(options, where), options.keepFirstUserMessage ?? true);
    if (options.onEvict) this.listeners.add(options.onEvict);
  }

  /**
   * Adds a message and evicts the oldest turn groups until the window fits the budget.
   * Messages are stored as given (not copied): do not mutate a message after adding it.
   *
   * @returns the messages this add evicted, in conversation order.
   * @throws {CtxkitError} `BUDGET_EXCEEDED` (details: `needed`, `budget`, `pinnedTokens`, `messageTokens`)
   * when the pins, the newest turn and its user message cannot fit; `INVALID_MESSAGE` for a malformed
   * message; `INVALID_CONVERSATION` for a message that cannot follow the window (a result for no pending
   * call, a message while calls still wait for results, a reused call id, a first non-system message
   * that is not the user's). In every error case the window is left unchanged.
   * @param message - the next message of the conversation.
   */
  add(message: Message): Message[] {
    const { tokens, required } = this.state.prepare(message);
    const pins = this.rules.sourcesOf(message);
    if (required > this.budget) {
      throw new CtxkitError(
        'BUDGET_EXCEEDED',
        `the pinned messages and the newest turn need ${required} tokens, the budget is ${this.budget}`,
        {
          needed: required,
          budget: this.budget,
          maxTokens: this.maxTokens,
          pinnedTokens: this.state.pinnedTokens,
          messageTokens: tokens,
        },
      );
    }
    this.state.append(message, tokens, pins);
    const batch = this.state.evictTo(this.budget);
    if (batch.messages.length > 0) {
      const event: EvictionEvent = {
        messages: batch.messages,
        tokens: batch.tokens,
        totalTokens: this.state.total,
        budget: this.budget,
      };
      // The window is consistent before listeners run; a throwing listener does not undo the add.
      for (const listener of [...this.listeners]) listener(event);
    }
    return batch.messages;
  }

  /**
   * Adds messages in order. Stops at the first one that fails: the ones before it stay added, and the
   * error's `details.index` says which one failed.
   * @returns every message evicted meanwhile, in the order they left.
   * @param messages - the next messages of the conversation, in order.
   */
  addMany(messages: Iterable<Message>): Message[] {
    const evicted: Message[] = [];
    let index = 0;
    for (const message of messages) {
      try {
        evicted.push(...this.add(message));
      } catch (error) {
        if (error instanceof CtxkitError) {
          throw new CtxkitError(
            error.code,
            `message ${index}: ${error.message}`,
            { ...error.details, index },
            {
              cause: error,
            },
          );
        }
        throw error;
      }
      index++;
    }
    return evicted;
  }

  /**
   * Adds a pin rule, by message id or predicate: matching messages in the window are pinned now, and
   * the rule also pins matching messages added later. Pinning a tool result or an assistant message
   * pins its whole turn group (the call and every result) and keeps the user message it answers.
   * Pinning never evicts; it may make a later `add` throw `BUDGET_EXCEEDED`.
   * A message stays pinned while any reason to pin it remains: see {@link unpin}.
   * @param target - a message id, or a predicate (keep the function to {@link unpin} it later).
   * @returns how many messages in the window became pinned by the caller (not counting those
   * already pinned for another reason).
   * @example
   * ```ts
   * window.pin('task-spec');                          // by id
   * window.pin((m) => m.metadata?.keep === true);     // by predicate, also for later messages
   * ```
   */
  pin(target: PinTarget): number {
    if (!this.rules.set(target, true)) {
      throw new CtxkitError('INVALID_ARGUMENT', 'pin expects a message id or a predicate', { target });
    }
    return typeof target === 'string' ? this.state.pinId(target, true) : this.state.pinWhere(target, true);
  }

  /**
   * Removes the pin rule it names — the id, or the same predicate function given to {@link pin} —
   * and only that rule. A message stays pinned while any other reason still applies:
   * - its own `pinned: true` flag, which no unpin removes (the flag belongs to the message, which
   *   other consumers such as the compressor read too; add the message without it to make it
   *   evictable);
   * - another `pin(id)` or `pin(predicate)` rule that matches it;
   * - {@link pinMessage} (undone by {@link unpinMessage});
   * - being a system message, or the first user message with `keepFirstUserMessage`;
   * - belonging to a pinned turn group, or being the user message a pinned turn answers.
   * Unpinning never evicts by itself: the next add does.
   * @param target - the id or predicate function given to {@link pin}.
   * @returns how many messages in the window lost their last caller pin through this call.
   */
  unpin(target: PinTarget): number {
    if (!this.rules.set(target, false)) {
      throw new CtxkitError('INVALID_ARGUMENT', 'unpin expects a message id or a predicate', { target });
    }
    return typeof target === 'string' ? this.state.pinId(target, false) : this.state.pinWhere(target, false);
  }

  /**
   * What to send: the kept messages in conversation order. See {@link WindowMessagesOptions} for the live loop.
   * @param options - whether to keep the newest turn while its tool calls wait for results.
   */
  messages(options: WindowMessagesOptions = {}): Message[] {
    checkOptionKeys(options, MESSAGES_OPTION_KEYS, 'messages() options');
    return this.state.messages(options.pending === 'omit');
  }

  /** Every message that left the window, in conversation order (what a compressor summarizes). */
  dropped(): Message[] {
    return this.state.dropped();
  }

  /** Returns {@link dropped} and forgets those messages, so a consumer takes each one once. */
  takeDropped(): Message[] {
    const out = this.state.dropped();
    this.state.clearDropped();
    return out;
  }

  /** Tokens of the kept messages: a running total, O(1). */
  totalTokens(): number {
    return this.state.total;
  }

  /** Tokens of the pinned messages (system, first user message, caller pins and what they keep). */
  pinnedTokens(): number {
    return this.state.pinnedTokens;
  }

  /** Tokens still free under the budget. */
  remainingTokens(): number {
    return this.budget - this.state.total;
  }

  /** Number of kept messages. */
  get size(): number {
    return this.state.size;
  }

  /** Whether a message in the window is pinned, for any reason. */
  isPinned(message: Message): boolean {
    return this.state.isPinnedMessage(message);
  }

  /** Ids of the newest assistant message's tool calls that still wait for a result. */
  pendingToolCalls(): string[] {
    return this.state.pendingToolCallIds();
  }

  /**
   * Subscribes to evictions: the listener runs after each add that evicted something.
   * @returns a function that unsubscribes.
   * @param listener - called with each {@link EvictionEvent}.
   */
  onEvict(listener: EvictListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Alias of {@link add}, same behaviour under the name older code uses. */
  addMessage(message: Message): Message[] {
    return this.add(message);
  }

  /** Alias of {@link messages}, same behaviour under the name older code uses. */
  getMessages(options?: WindowMessagesOptions): Message[] {
    return this.messages(options);
  }

  /** Alias of {@link totalTokens}, same behaviour under the name older code uses. */
  getTotalTokens(): number {
    return this.totalTokens();
  }

  /**
   * Pins the message at `index` of {@link messages} (the index-based API older code uses); with no id needed.
   * Unlike {@link pin}, it adds no rule for future messages.
   * @returns `true` when the message was not pinned by the caller before.
   * @throws {CtxkitError} `INVALID_ARGUMENT` when no message sits at `index`.
   */
  pinMessage(index: number): boolean {
    if (!Number.isInteger(index) || index < 0) {
      throw new CtxkitError('INVALID_ARGUMENT', `pinMessage expects an index >= 0, got ${index}`, { index });
    }
    return this.state.pinIndex(index);
  }

  /**
   * Removes the pin {@link pinMessage} set on the message at `index` of {@link messages}; pins for
   * any other reason stay (see {@link unpin}).
   * @returns `true` when that was the message's last caller pin.
   * @throws {CtxkitError} `INVALID_ARGUMENT` when no message sits at `index`.
   */
  unpinMessage(index: number): boolean {
    if (!Number.isInteger(index) || index < 0) {
      throw new CtxkitError('INVALID_ARGUMENT', `unpinMessage expects an index >= 0, got ${index}`, {
        index,
      });
    }
    return this.state.pinIndex(index, false);
  }
}
