import { CtxkitError, checkOptionKeys, type Message, type Tokenizer } from '@ctxkit/core';
import { LRUCache } from 'lru-cache';
import { messageFingerprint } from './fingerprint.js';

// A misspelt bound (`maxEntires`) is an error, not a silently kept default size.
const CACHE_OPTION_KEYS = { maxEntries: true, maxBytes: true } satisfies Record<
  keyof TokenCountCacheOptions,
  true
>;

/** Options for {@link TokenCountCache}. */
export interface TokenCountCacheOptions {
  /**
   * Most entries kept.
   * @default 10_000
   */
  maxEntries?: number;
  /**
   * Most bytes kept, by the cache's own accounting of each entry (key string +
   * a fixed per-entry overhead of {@link ENTRY_OVERHEAD_BYTES}).
   * @default 2 * 1024 * 1024 (2 MiB)
   */
  maxBytes?: number;
}

/** Counters reported by {@link TokenCountCache.stats}. */
export interface TokenCountCacheStats {
  /** Lookups answered from the cache. */
  hits: number;
  /** Lookups that called the tokenizer. */
  misses: number;
  /** `hits / (hits + misses)`, 0 before the first lookup. */
  hitRate: number;
  /** Entries dropped to stay within `maxEntries` / `maxBytes`. */
  evictions: number;
  /** Entries held now. */
  entries: number;
  /** Accounted bytes held now (see {@link TokenCountCacheOptions.maxBytes}). */
  bytes: number;
}

/**
 * Accounted cost of one entry besides its key string: lru-cache's map slot,
 * list links and value slot. Measured heap cost is in the package README.
 */
export const ENTRY_OVERHEAD_BYTES = 96;

const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new CtxkitError('INVALID_ARGUMENT', `${name} must be a positive integer`, { [name]: value });
  }
  return value;
}

/**
 * A bounded LRU cache of per-message token counts.
 *
 * The key is (vocabulary id, {@link messageFingerprint} of the whole message),
 * so invalidation is correct by construction: an edited message has a new
 * fingerprint, and a model switch to another vocabulary has a new tokenizer
 * id. There is deliberately no "context hash" that drops counts when the
 * conversation changes length: a message's count does not depend on its
 * neighbours, so such a hash would only throw away valid counts.
 *
 * @example
 * ```ts
 * const cache = new TokenCountCache();
 * const tokens = cache.count(message, tokenizer); // miss: counts and stores
 * cache.count(message, tokenizer);                // hit: no tokenizer call
 * cache.stats().hitRate;                          // 0.5
 * ```
 */
export class TokenCountCache {
  readonly #lru: LRUCache<string, number>;
  // Tokenizer id → short key prefix, so keys stay small (the id is stored once).
  readonly #prefixes = new Map<string, string>();
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  /**
   * @param options - bounds on entries and bytes; see {@link TokenCountCacheOptions}.
   */
  constructor(options: TokenCountCacheOptions = {}) {
    checkOptionKeys(options, CACHE_OPTION_KEYS, 'TokenCountCache options');
    const max = positiveInteger('maxEntries', options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    const maxSize = positiveInteger('maxBytes', options.maxBytes ?? DEFAULT_MAX_BYTES);
    this.#lru = new LRUCache<string, number>({
      max,
      maxSize,
      sizeCalculation: (_value, key) => key.length + ENTRY_OVERHEAD_BYTES,
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') this.#evictions++;
      },
    });
  }

  #prefix(vocabularyId: string): string {
    let prefix = this.#prefixes.get(vocabularyId);
    if (prefix === undefined) {
      prefix = `${this.#prefixes.size.toString(36)}|`;
      this.#prefixes.set(vocabularyId, prefix);
    }
    return prefix;
  }

  /**
   * Tokens the message costs under `tokenizer` (its `countMessage`), from the
   * cache when this vocabulary has seen an identical message before.
   * @throws {CtxkitError} `INVALID_MESSAGE` for a malformed message.
   * @param message - the message to count.
   * @param tokenizer - the tokenizer that prices it; its `id` keys the cache, so vocabularies never mix.
   */
  count(message: Message, tokenizer: Tokenizer): number {
    const key = this.#prefix(tokenizer.id) + messageFingerprint(message);
    const cached = this.#lru.get(key);
    if (cached !== undefined) {
      this.#hits++;
      return cached;
    }
    this.#misses++;
    const tokens = tokenizer.countMessage(message);
    this.#lru.set(key, tokens);
    return tokens;
  }

  /** Whether a count for this message and vocabulary is cached (does not touch recency or stats). */
  has(message: Message, vocabularyId: string): boolean {
    const prefix = this.#prefixes.get(vocabularyId);
    return prefix !== undefined && this.#lru.has(prefix + messageFingerprint(message));
  }

  /** Hit, miss and eviction counters and the current size. */
  stats(): TokenCountCacheStats {
    const lookups = this.#hits + this.#misses;
    return {
      hits: this.#hits,
      misses: this.#misses,
      hitRate: lookups === 0 ? 0 : this.#hits / lookups,
      evictions: this.#evictions,
      entries: this.#lru.size,
      bytes: this.#lru.calculatedSize,
    };
  }

  /**
   * Drops cached counts: those of one vocabulary — a tokenizer id such as
   * `tiktoken:o200k_base`, or a bare vocabulary such as `o200k_base` (every
   * engine's entries for it) — or all of them. Never needed for correctness —
   * edits and model switches change the key — only to free memory.
   * @returns how many entries were dropped.
   */
  invalidate(vocabularyId?: string): number {
    if (vocabularyId === undefined) {
      const n = this.#lru.size;
      this.#lru.clear();
      return n;
    }
    const prefixes: string[] = [];
    for (const [id, prefix] of this.#prefixes) {
      if (id === vocabularyId || id.endsWith(`:${vocabularyId}`)) prefixes.push(prefix);
    }
    if (prefixes.length === 0) return 0;
    const doomed: string[] = [];
    for (const key of this.#lru.keys()) {
      if (prefixes.some((p) => key.startsWith(p))) doomed.push(key);
    }
    for (const key of doomed) this.#lru.delete(key);
    return doomed.length;
  }

  /** Resets hit, miss and eviction counters (entries are kept). */
  resetStats(): void {
    this.#hits = 0;
    this.#misses = 0;
    this.#evictions = 0;
  }
}
