import type { Message, Tokenizer, ToolDefinition } from '@ctxkit/core';
import { TokenCountCache } from '@ctxkit/cache';
import { detectModel, type ModelDetection, createVocabularyTokenizer } from '@ctxkit/tokenizers';

/** A tokenizer borrowed from the engine's pool; `release()` returns it. */
export interface TokenizerLease {
  readonly tokenizer: Tokenizer;
  readonly detection: ModelDetection;
  release(): void;
}

/**
 * The ctxkit machinery behind the Nanocoder adapters: one pooled tokenizer per
 * vocabulary (Nanocoder rebuilds its encoder for every count of a turn) and one
 * per-message count cache keyed on the whole message (Nanocoder's keys on the
 * content string alone, so every tool-call-only assistant turn shares a count).
 */
export class Engine {
  readonly cache: TokenCountCache;
  readonly #tokenizers = new Map<string, { tokenizer: Tokenizer; leases: number }>();

  constructor(options: { cache?: TokenCountCache } = {}) {
    this.cache = options.cache ?? new TokenCountCache();
  }

  /** Borrows the tokenizer for a provider/model (never throws for a model). */
  lease(provider: string, model: string): TokenizerLease {
    const detection = detectModel(provider, model);
    let entry = this.#tokenizers.get(detection.vocabulary);
    if (entry === undefined) {
      entry = { tokenizer: createVocabularyTokenizer(detection.vocabulary), leases: 0 };
      this.#tokenizers.set(detection.vocabulary, entry);
    }
    entry.leases++;
    const held = entry;
    let released = false;
    return {
      tokenizer: held.tokenizer,
      detection,
      release: () => {
        if (released) return;
        released = true;
        held.leases--;
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
  countRequest(messages: readonly Message[], tokenizer: Tokenizer, tools?: readonly ToolDefinition[]): number {
    let total = tokenizer.countMessages([], tools && tools.length > 0 ? { tools } : undefined);
    for (const m of messages) total += this.cache.count(m, tokenizer);
    return total;
  }
}
