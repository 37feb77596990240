import {
  type AnyToolDefinition,
  CtxkitError,
  checkOptionKeys,
  type Message,
  type MessageCategory,
  messageCategory,
  requestOverhead,
  type TokenBreakdown,
  type Tokenizer,
} from '@ctxkit/core';
import type { TokenCountCache } from './token-count-cache.js';

/**
 * Tokens by category, in Nanocoder's `TokenBreakdown` shape. `total` is the
 * sum of the five categories. The same type as `@ctxkit/core`'s, re-exported here.
 */
export type { TokenBreakdown };

// A misspelt option is an error, not a silently ignored default.
const COUNTER_OPTION_KEYS = {
  tokenizer: true,
  cache: true,
  tools: true,
  messages: true,
} satisfies Record<keyof ConversationCounterOptions, true>;

/** Options for {@link ConversationCounter}. */
export interface ConversationCounterOptions {
  /** The tokenizer whose `countMessage` prices each message. */
  tokenizer: Tokenizer;
  /** Optional shared cache: recounts after a tokenizer switch or a rebuild become lookups. */
  cache?: TokenCountCache;
  /** Tool definitions sent with every request. */
  tools?: readonly AnyToolDefinition[];
  /** Messages to start with. */
  messages?: readonly Message[];
}

// Inserts without spreading `items` into call arguments, which overflows the
// stack for very large batches; appends stay amortized O(items).
function insertAt<T>(array: T[], at: number, items: readonly T[]): void {
  const tail = at === array.length ? [] : array.splice(at);
  for (const item of items) array.push(item);
  for (const item of tail) array.push(item);
}

/**
 * Per-message token counts and a running total for a growing conversation.
 * Every edit costs O(changed messages) tokenizer work: `append`, `replace`,
 * `remove` and `splice` count only the messages they add, and adjust the
 * category sums by the counts they drop.
 *
 * `total()` equals `Σ tokenizer.countMessage(m) + tool definitions`, i.e. a
 * full recount, at all times. {@link ConversationCounter.requestTokens} adds
 * the tokenizer's reply priming (`countMessages([])`) to match
 * `tokenizer.countMessages(messages, { tools })`.
 *
 * @example
 * ```ts
 * const counter = new ConversationCounter({ tokenizer, tools });
 * counter.append(system, user);
 * counter.append(assistantReply);
 * counter.replace(1, editedUser);
 * counter.breakdown(); // { system, userMessages, assistantMessages, toolDefinitions, toolResults, total }
 * ```
 */
export class ConversationCounter {
  #tokenizer: Tokenizer;
  readonly #cache: TokenCountCache | undefined;
  #tools: readonly AnyToolDefinition[];
  #messages: Message[] = [];
  #counts: number[] = [];
  #sums: Record<MessageCategory, number> = {
    system: 0,
    userMessages: 0,
    assistantMessages: 0,
    toolResults: 0,
  };
  #toolTokens = 0;
  #priming = 0;

  /**
   * @param options - the tokenizer, and optionally a shared cache, tool definitions and first messages.
   * @throws {CtxkitError} `INVALID_ARGUMENT` without a tokenizer.
   */
  constructor(options: ConversationCounterOptions) {
    if (!options || typeof options.tokenizer?.countMessage !== 'function') {
      throw new CtxkitError('INVALID_ARGUMENT', 'ConversationCounter needs a tokenizer');
    }
    checkOptionKeys(options, COUNTER_OPTION_KEYS, 'ConversationCounter options');
    this.#tokenizer = options.tokenizer;
    this.#cache = options.cache;
    this.#tools = options.tools ?? [];
    this.#priceFraming();
    if (options.messages) this.#splice(0, 0, options.messages);
  }

  // Tool definitions and reply priming are priced once per tokenizer/tool set,
  // as the difference they make to what an empty request costs.
  #priceFraming(): void {
    this.#priming = requestOverhead(this.#tokenizer);
    this.#toolTokens =
      this.#tools.length === 0 ? 0 : requestOverhead(this.#tokenizer, this.#tools) - this.#priming;
  }

  #count(message: Message): number {
    return this.#cache ? this.#cache.count(message, this.#tokenizer) : this.#tokenizer.countMessage(message);
  }

  #delete(start: number, deleteCount: number): Message[] {
    const removed = this.#messages.splice(start, deleteCount);
    const counts = this.#counts.splice(start, deleteCount);
    removed.forEach((m, i) => {
      this.#sums[messageCategory(m.role)] -= counts[i] as number;
    });
    return removed;
  }

  #index(name: string, value: number, max: number): number {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new CtxkitError('INVALID_ARGUMENT', `${name} ${value} is outside 0..${max}`, {
        [name]: value,
        length: this.#messages.length,
      });
    }
    return value;
  }

  /** Number of messages held. */
  get length(): number {
    return this.#messages.length;
  }

  /** The messages held, in order (a copy). */
  messages(): Message[] {
    return this.#messages.slice();
  }

  /** The per-message counts, aligned with {@link ConversationCounter.messages} (a copy). */
  counts(): number[] {
    return this.#counts.slice();
  }

  /**
   * Adds messages at the end; counts only them.
   * @param messages - the messages to add, in conversation order.
   * @returns the new total.
   */
  append(...messages: Message[]): number {
    this.splice(this.#messages.length, 0, ...messages);
    return this.total();
  }

  /**
   * Replaces the message at `index`; counts only the new one.
   * @throws {CtxkitError} `INVALID_ARGUMENT` for an index outside the conversation.
   * @returns the new total.
   * @param index - position of the message to replace.
   * @param message - the new message.
   */
  replace(index: number, message: Message): number {
    this.#index('index', index, this.#messages.length - 1);
    this.splice(index, 1, message);
    return this.total();
  }

  /**
   * Removes messages `start` (inclusive) to `end` (exclusive, default `start + 1`),
   * like `Array.prototype.slice` bounds.
   * @throws {CtxkitError} `INVALID_ARGUMENT` for bounds outside the conversation.
   * @returns the removed messages.
   * @param start - index of the first message removed.
   * @param end - index after the last message removed.
   */
  remove(start: number, end: number = start + 1): Message[] {
    const n = this.#messages.length;
    this.#index('start', start, n);
    this.#index('end', end, n);
    if (end < start) {
      throw new CtxkitError('INVALID_ARGUMENT', `end ${end} is before start ${start}`, { start, end });
    }
    return this.#delete(start, end - start);
  }

  /**
   * `Array.prototype.splice` for the conversation: removes `deleteCount`
   * messages at `start` and inserts `items` there; counts only the inserted.
   * @throws {CtxkitError} `INVALID_ARGUMENT` for bounds outside the conversation.
   * @returns the removed messages.
   * @param start - where to remove and insert.
   * @param deleteCount - how many messages to remove.
   * @param items - messages to insert at `start`.
   */
  splice(start: number, deleteCount: number, ...items: Message[]): Message[] {
    return this.#splice(start, deleteCount, items);
  }

  #splice(start: number, deleteCount: number, items: readonly Message[]): Message[] {
    const n = this.#messages.length;
    this.#index('start', start, n);
    this.#index('deleteCount', deleteCount, n - start);
    // Count the new messages before removing anything, so a bad item leaves the counter untouched.
    const counts = items.map((m) => this.#count(m));
    const removed = this.#delete(start, deleteCount);
    insertAt(this.#messages, start, items);
    insertAt(this.#counts, start, counts);
    items.forEach((m, i) => {
      this.#sums[messageCategory(m.role)] += counts[i] as number;
    });
    return removed;
  }

  /** Replaces the tool definitions sent with every request and reprices them. */
  setTools(tools: readonly AnyToolDefinition[]): void {
    this.#tools = tools;
    this.#priceFraming();
  }

  /**
   * Switches tokenizer (a model change) and recounts every message — lookups
   * only, when a cache is shared and the vocabulary was seen before.
   */
  setTokenizer(tokenizer: Tokenizer): void {
    const counts = this.#messages.map((m) =>
      this.#cache ? this.#cache.count(m, tokenizer) : tokenizer.countMessage(m),
    );
    this.#tokenizer = tokenizer;
    this.#counts = counts;
    this.#sums = { system: 0, userMessages: 0, assistantMessages: 0, toolResults: 0 };
    this.#messages.forEach((m, i) => {
      this.#sums[messageCategory(m.role)] += counts[i] as number;
    });
    this.#priceFraming();
  }

  /** Messages plus tool definitions: equal to a full recount, at all times. */
  total(): number {
    const s = this.#sums;
    return s.system + s.userMessages + s.assistantMessages + s.toolResults + this.#toolTokens;
  }

  /**
   * {@link ConversationCounter.total} plus the tokenizer's reply priming: what
   * `tokenizer.countMessages(messages, { tools })` returns for tokenizers whose
   * request count is the sum of its parts (every ctxkit tokenizer).
   */
  requestTokens(): number {
    return this.total() + this.#priming;
  }

  /** Tokens by category, in Nanocoder's `TokenBreakdown` shape. */
  breakdown(): TokenBreakdown {
    const s = this.#sums;
    return {
      system: s.system,
      userMessages: s.userMessages,
      assistantMessages: s.assistantMessages,
      toolDefinitions: this.#toolTokens,
      toolResults: s.toolResults,
      total: this.total(),
    };
  }
}
