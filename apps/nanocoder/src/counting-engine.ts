import { TokenCountCache } from '@ctxkit/cache';
import { type Message, requestTokens, type Tokenizer, type ToolDefinition } from '@ctxkit/core';
import { TokenizerPool } from '@ctxkit/pool';
import { detectModel, type ModelDetection } from '@ctxkit/tokenizers';

/** A tokenizer borrowed from the engine's pool; `release()` returns it (idempotent). */
export interface TokenizerLease {
  readonly tokenizer: Tokenizer;
  readonly detection: ModelDetection;
  release(): void;
}

/** Options for {@link Engine}. */
export interface EngineOptions {
  /**
   * The tokenizer pool.
   * @default a new `TokenizerPool` with its defaults
   */
  pool?: TokenizerPool;
  /**
   * The per-message count cache.
   * @default a new `TokenCountCache` with its defaults
   */
  cache?: TokenCountCache;
}

/**
 * The ctxkit machinery behind the Nanocoder adapters: `@ctxkit/pool` keeps one
 * loaded vocabulary per model family (Nanocoder builds a new encoder each time
 * it counts a turn, ~110 ms for o200k), and `@ctxkit/cache` counts each message
 * once, keyed on the whole message (Nanocoder's cache keys on the content
 * string alone, so every tool-call-only assistant turn shares one count).
 */
export class Engine {
  /** One loaded vocabulary per model family, shared by every adapter tokenizer. */
  readonly pool: TokenizerPool;
  /** Per-message token counts, keyed on (vocabulary, whole-message fingerprint). */
  readonly cache: TokenCountCache;

  constructor(options: EngineOptions = {}) {
    this.pool = options.pool ?? new TokenizerPool();
    this.cache = options.cache ?? new TokenCountCache();
  }

  /** Borrows the tokenizer for a provider/model (never throws for a model; loads lazily). */
  lease(provider: string, model: string): TokenizerLease {
    const handle = this.pool.acquireSync(provider, model);
    let released = false;
    return {
      tokenizer: handle,
      detection: detectModel(provider, model),
      release: () => {
        if (released) return;
        released = true;
        handle.release();
      },
    };
  }

  /** Tokens one message costs (cached). */
  count(message: Message, tokenizer: Tokenizer): number {
    return this.cache.count(message, tokenizer);
  }

  /**
   * Tokens a whole request costs: every message (cached), tool definitions and
   * reply priming (what `countMessages` adds to an empty conversation).
   */
  countRequest(
    messages: readonly Message[],
    tokenizer: Tokenizer,
    tools?: readonly ToolDefinition[],
  ): number {
    return requestTokens(tokenizer, messages, { tools, countMessage: (m) => this.cache.count(m, tokenizer) });
  }
}
