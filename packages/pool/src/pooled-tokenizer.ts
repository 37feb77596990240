import { type CountMessagesOptions, CtxkitError, type Message, type Tokenizer } from '@ctxkit/core';
import type { VocabularyId } from '@ctxkit/tokenizers';

/** What a handle needs from its pool (kept minimal so the handle stays a thin view). */
export interface HandleOwner {
  /** @internal */
  readonly disposed: boolean;
  /** @internal */
  releaseHandle(handle: PooledTokenizer): void;
}

/**
 * A reference to a pooled tokenizer: a full core {@link Tokenizer} for one
 * provider/model, sharing its vocabulary's single instance with every other
 * handle of that vocabulary. Give it back with `release()` (or `free()`, so
 * code written for Nanocoder's `tokenizer.free?.()` works unchanged).
 * Using a handle after release is a `REFCOUNT_MISUSE` error: the instance may
 * have been evicted and freed since.
 */
export class PooledTokenizer implements Tokenizer {
  /** Vocabulary identity of the shared instance, e.g. `tiktoken:o200k_base`. */
  readonly id: string;
  /** Model family of the model this handle was acquired for. */
  readonly family: string;
  /** Whether counts are exact for this model (its own vocabulary, exact engine). */
  readonly exact: boolean;
  /** The vocabulary the pool keyed this handle on. */
  readonly vocabulary: VocabularyId;
  /** Provider the handle was acquired for. */
  readonly provider: string;
  /** Model the handle was acquired for. */
  readonly model: string;
  readonly #tokenizer: Tokenizer;
  readonly #owner: HandleOwner;
  #released = false;

  /** @internal Created by the pool only. */
  constructor(
    owner: HandleOwner,
    tokenizer: Tokenizer,
    info: { vocabulary: VocabularyId; family: string; exact: boolean; provider: string; model: string },
  ) {
    this.#owner = owner;
    this.#tokenizer = tokenizer;
    this.id = tokenizer.id;
    this.vocabulary = info.vocabulary;
    this.family = info.family;
    this.exact = info.exact && tokenizer.exact;
    this.provider = info.provider;
    this.model = info.model;
  }

  /** Whether this handle was released. */
  get released(): boolean {
    return this.#released;
  }

  /** @internal Marks the handle released; returns false if it already was. */
  markReleased(): boolean {
    if (this.#released) return false;
    this.#released = true;
    return true;
  }

  /** @internal The pool this handle belongs to. */
  ownedBy(owner: HandleOwner): boolean {
    return this.#owner === owner;
  }

  #live(): Tokenizer {
    if (this.#released) {
      throw new CtxkitError('REFCOUNT_MISUSE', `Tokenizer handle for ${this.model} used after release`, {
        vocabulary: this.vocabulary,
      });
    }
    if (this.#owner.disposed) {
      throw new CtxkitError('DISPOSED', 'The tokenizer pool was disposed', { vocabulary: this.vocabulary });
    }
    return this.#tokenizer;
  }

  /** Token ids of a text (see core `Tokenizer.encode`). */
  encode(text: string): number[] {
    return this.#live().encode(text);
  }

  /** Token count of a text. */
  countTokens(text: string): number {
    return this.#live().countTokens(text);
  }

  /** Tokens one message costs in a request, framing, tool calls and images included. */
  countMessage(message: Message): number {
    return this.#live().countMessage(message);
  }

  /** Tokens a whole request costs: messages, tool definitions and reply priming. */
  countMessages(messages: readonly Message[], options?: CountMessagesOptions): number {
    return this.#live().countMessages(messages, options);
  }

  /** Gives the handle back to its pool. @throws {CtxkitError} `REFCOUNT_MISUSE` on a second release. */
  release(): void {
    this.#owner.releaseHandle(this);
  }

  /** Same as {@link PooledTokenizer.release}: the shared instance is freed by the pool, never by a handle. */
  free(): void {
    this.release();
  }
}
