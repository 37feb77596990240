import { CtxkitError, checkOptionKeys, type Tokenizer } from '@ctxkit/core';
import {
  createVocabularyTokenizer,
  detectModel,
  loadVocabulary,
  MODEL_NAME_MAX_CHARS,
  type VocabularyId,
} from '@ctxkit/tokenizers';
import { type HandleOwner, PooledTokenizer } from './pooled-tokenizer.js';
import { memorySnapshot, residentCost } from './resident-cost.js';

/** What the pool needs to know about a model: the vocabulary it keys on. */
export interface PoolDetection {
  vocabulary: VocabularyId;
  family: string;
  exact: boolean;
}

// A misspelt budget (`maxByte`) is an error, not the default budget silently kept.
const POOL_OPTION_KEYS = {
  maxBytes: true,
  idleMs: true,
  loader: true,
  loadSync: true,
  detect: true,
} satisfies Record<keyof TokenizerPoolOptions, true>;

/** Options for {@link TokenizerPool}. */
export interface TokenizerPoolOptions {
  /**
   * Memory budget for resident vocabularies, in bytes; idle vocabularies are evicted past it.
   * @default 10 * 1024 * 1024 (10 MiB)
   */
  maxBytes?: number;
  /**
   * Evict a vocabulary after it has been idle (no handles) this long, in ms.
   * @default undefined (never)
   */
  idleMs?: number;
  /**
   * Async loader of one vocabulary.
   * @default loadVocabulary from `@ctxkit/tokenizers`
   */
  loader?: (vocabulary: VocabularyId) => Promise<Tokenizer> | Tokenizer;
  /**
   * Sync loader for {@link TokenizerPool.acquireSync}.
   * @default createVocabularyTokenizer from `@ctxkit/tokenizers`, preloaded
   */
  loadSync?: (vocabulary: VocabularyId) => Tokenizer;
  /**
   * Model → vocabulary.
   * @default detectModel from `@ctxkit/tokenizers`
   */
  detect?: (provider: string, model: string) => PoolDetection;
}

/** One resident (or loading) vocabulary in {@link TokenizerPoolStats}. */
export interface PoolEntryStats {
  vocabulary: VocabularyId;
  state: 'loading' | 'ready';
  /**
   * The last {@link POOL_MODELS_KEPT} distinct `provider/model` pairs this instance served,
   * least recent first (each side cut to `MODEL_NAME_MAX_CHARS` characters).
   */
  models: string[];
  /** Pairs that fell out of `models` to keep it bounded (a pair served again after that counts again). */
  modelsDropped: number;
  /** Handles currently out. */
  refs: number;
  /** Resident cost: declared by the engine, else measured around the load. */
  bytes: number;
  /** `Date.now()` of the last acquire or release. */
  lastUsed: number;
  /** Times this vocabulary was loaded while resident (2 only if a sync acquire overtook an async load). */
  loads: number;
}

/** What {@link TokenizerPool.stats} reports. */
export interface TokenizerPoolStats {
  entries: PoolEntryStats[];
  totals: {
    /** Bytes of every resident vocabulary. */
    bytes: number;
    maxBytes: number;
    /** Bytes over budget that could not be evicted (in use, or the last resident vocabulary). */
    overBudget: number;
    /** Acquires served by a resident or already-loading vocabulary. */
    hits: number;
    /** Acquires that started a load. */
    misses: number;
    /** Vocabularies evicted (budget, idle timer or cleanupUnused). */
    evictions: number;
    /** Loads started, including retries after failures. */
    loads: number;
    /** Loads that failed (never remembered: the next acquire retries). */
    failures: number;
  };
}

interface Detected extends PoolDetection {
  /** `provider/model`, built once per pair for `stats().entries[].models`. */
  served: string;
}

interface Entry {
  vocabulary: VocabularyId;
  tokenizer: Tokenizer | undefined;
  loading: Promise<void> | undefined;
  refs: number;
  /** Acquirers awaiting the load: the entry cannot be evicted under them. */
  waiting: number;
  bytes: number;
  lastUsed: number;
  order: number;
  loads: number;
  /** Insertion-ordered; re-serving a pair moves it to the end. */
  models: Set<string>;
  modelsDropped: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const DETECTION_MEMO_LIMIT = 1024;

/**
 * How many `provider/model` pairs each vocabulary's `stats().entries[].models` keeps: the
 * most recent ones; older pairs are counted in `modelsDropped`. Bounds the pool's memory
 * and `stats()` size when callers pass many distinct (or generated) model names.
 */
export const POOL_MODELS_KEPT = 32;

function defaultDetect(provider: string, model: string): PoolDetection {
  return detectModel(provider, model);
}

function defaultLoadSync(vocabulary: VocabularyId): Tokenizer {
  const tokenizer = createVocabularyTokenizer(vocabulary);
  tokenizer.preload();
  return tokenizer;
}

function loadFailed(vocabulary: VocabularyId, cause: unknown): CtxkitError {
  if (cause instanceof CtxkitError && cause.code === 'TOKENIZER_LOAD_FAILED') return cause;
  return new CtxkitError(
    'TOKENIZER_LOAD_FAILED',
    `Cannot load the ${vocabulary} vocabulary`,
    { vocabulary },
    { cause },
  );
}

/**
 * One shared, reference-counted tokenizer per vocabulary, within a memory
 * budget. gpt-4o, gpt-4.1 and o3 share one o200k instance; Llama 3.1 and 3.3
 * share one; Qwen2.5 and Qwen3 share one.
 *
 * - Concurrent acquires of a vocabulary coalesce into one load; a failed load
 *   is forgotten, so the next acquire retries.
 * - Over budget, idle vocabularies (no handles) are evicted least recently
 *   used first. A vocabulary in use is never evicted, and the budget never
 *   empties the pool: a vocabulary larger than the whole budget is still
 *   served and stays warm, with the overage in `stats().totals.overBudget`.
 * - Releasing a handle twice is a `REFCOUNT_MISUSE` error.
 *
 * @example
 * ```ts
 * const pool = new TokenizerPool();
 * const tokenizer = await pool.acquire('openai', 'gpt-4o');
 * try {
 *   tokenizer.countMessages(messages);
 * } finally {
 *   pool.release(tokenizer);
 * }
 * ```
 */
export class TokenizerPool implements HandleOwner {
  readonly #maxBytes: number;
  readonly #idleMs: number | undefined;
  readonly #loader: (vocabulary: VocabularyId) => Promise<Tokenizer> | Tokenizer;
  readonly #loadSync: (vocabulary: VocabularyId) => Tokenizer;
  readonly #detectFn: (provider: string, model: string) => PoolDetection;
  readonly #detections = new Map<string, Detected>();
  // Recency is an acquire counter (`Entry.order`) and the budget pass a scan of at most one
  // entry per vocabulary; `Entry.models` is an insertion-ordered Set. Not lru-cache (which
  // @ctxkit/cache uses): an lru-cache evicts on its own, while these entries must stay while
  // in use and stay warm over budget, so it could only keep the order — and it measured
  // slower. Same process, five interleaved rounds against this code: lru-cache as the
  // recency list (`get` on acquire, `peek` elsewhere, budget walk from the least recent)
  // took 1.6–2.5× the time of a warm acquire + release and 1.3× the heap per pool (11
  // vocabularies × 40 models); lru-cache for `models` alone 1.3–2.1× and 1.29× the heap.
  readonly #entries = new Map<VocabularyId, Entry>();
  #order = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;
  #loads = 0;
  #failures = 0;
  #disposed = false;

  /**
   * @param options - memory budget, idle eviction and loaders; see {@link TokenizerPoolOptions}.
   * @throws {CtxkitError} `INVALID_ARGUMENT` for a negative or non-finite `maxBytes` or `idleMs`, or a misspelt option.
   */
  constructor(options: TokenizerPoolOptions = {}) {
    checkOptionKeys(options, POOL_OPTION_KEYS, 'TokenizerPool options');
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!Number.isFinite(maxBytes) || maxBytes < 0) {
      throw new CtxkitError('INVALID_ARGUMENT', 'maxBytes must be a non-negative number', { maxBytes });
    }
    if (options.idleMs !== undefined && !(Number.isFinite(options.idleMs) && options.idleMs >= 0)) {
      throw new CtxkitError('INVALID_ARGUMENT', 'idleMs must be a non-negative number', {
        idleMs: options.idleMs,
      });
    }
    this.#maxBytes = maxBytes;
    this.#idleMs = options.idleMs;
    this.#loader = options.loader ?? loadVocabulary;
    this.#loadSync = options.loadSync ?? defaultLoadSync;
    this.#detectFn = options.detect ?? defaultDetect;
  }

  /** @internal */
  get disposed(): boolean {
    return this.#disposed;
  }

  #assertLive(): void {
    if (this.#disposed) throw new CtxkitError('DISPOSED', 'The tokenizer pool was disposed');
  }

  // detectModel runs a regex table; memoized so a hot acquire is a map lookup.
  #detect(provider: string, model: string): Detected {
    if (typeof provider !== 'string' || typeof model !== 'string') {
      throw new CtxkitError('INVALID_ARGUMENT', 'provider and model must be strings', {
        provider: typeof provider,
        model: typeof model,
      });
    }
    const served = `${provider.slice(0, MODEL_NAME_MAX_CHARS)}/${model.slice(0, MODEL_NAME_MAX_CHARS)}`;
    // Overlong names are not memoized: 1,024 of them would pin their whole strings.
    if (provider.length > MODEL_NAME_MAX_CHARS || model.length > MODEL_NAME_MAX_CHARS) {
      return { ...this.#detectFn(provider, model), served };
    }
    const key = `${provider}\u0000${model}`;
    let detection = this.#detections.get(key);
    if (detection === undefined) {
      detection = { ...this.#detectFn(provider, model), served };
      if (this.#detections.size >= DETECTION_MEMO_LIMIT) this.#detections.clear();
      this.#detections.set(key, detection);
    }
    return detection;
  }

  #newEntry(vocabulary: VocabularyId): Entry {
    const entry: Entry = {
      vocabulary,
      tokenizer: undefined,
      loading: undefined,
      refs: 0,
      waiting: 0,
      bytes: 0,
      lastUsed: Date.now(),
      order: ++this.#order,
      loads: 0,
      models: new Set(),
      modelsDropped: 0,
      timer: undefined,
    };
    this.#entries.set(vocabulary, entry);
    return entry;
  }

  #handle(entry: Entry, detection: Detected, provider: string, model: string): PooledTokenizer {
    const tokenizer = entry.tokenizer as Tokenizer;
    entry.refs++;
    entry.lastUsed = Date.now();
    entry.order = ++this.#order;
    if (entry.timer !== undefined) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    const { models } = entry;
    models.delete(detection.served);
    models.add(detection.served);
    if (models.size > POOL_MODELS_KEPT) {
      models.delete(models.values().next().value as string);
      entry.modelsDropped++;
    }
    return new PooledTokenizer(this, tokenizer, {
      vocabulary: entry.vocabulary,
      family: detection.family,
      exact: detection.exact,
      provider,
      model,
    });
  }

  #install(entry: Entry, tokenizer: Tokenizer, before: number): void {
    entry.tokenizer = tokenizer;
    entry.bytes = residentCost(tokenizer, before);
    this.#enforceBudget();
  }

  #startLoad(entry: Entry): Promise<void> {
    const { vocabulary } = entry;
    entry.loads++;
    this.#loads++;
    const before = memorySnapshot();
    // The loader is always called on a later microtask, so `entry.loading` is
    // set before any outcome (even a synchronous throw) is handled.
    const loading = Promise.resolve()
      .then(() => this.#loader(vocabulary))
      .then(
        (tokenizer) => {
          entry.loading = undefined;
          if (this.#disposed || entry.tokenizer !== undefined || this.#entries.get(vocabulary) !== entry) {
            // A sync acquire overtook this load (already counted in `loads`), or the pool was disposed.
            if (entry.tokenizer !== tokenizer) tokenizer.free?.();
            return;
          }
          this.#install(entry, tokenizer, before);
        },
        (cause: unknown) => {
          entry.loading = undefined;
          this.#failures++;
          // Forget the failed load so the next acquire retries.
          if (this.#entries.get(vocabulary) === entry && entry.tokenizer === undefined) {
            this.#entries.delete(vocabulary);
          }
          throw loadFailed(vocabulary, cause);
        },
      );
    entry.loading = loading;
    return loading;
  }

  /**
   * A handle on the tokenizer for a model, loading its vocabulary if needed.
   * Concurrent calls for one vocabulary share a single load.
   * @throws {CtxkitError} `TOKENIZER_LOAD_FAILED` (the next call retries), `DISPOSED`.
   * @param provider - the provider, e.g. `openai`, `anthropic`, `ollama`.
   * @param model - the model name at that provider, e.g. `gpt-4o` or `qwen3:8b`.
   * @returns a handle to give back with {@link TokenizerPool.release}.
   */
  acquire(provider: string, model: string): Promise<PooledTokenizer> {
    // Not an async function: a warm acquire returns an already-resolved
    // promise without the async machinery (measured in bench/pool.bench.ts).
    let detection: Detected;
    try {
      this.#assertLive();
      detection = this.#detect(provider, model);
      const entry = this.#entries.get(detection.vocabulary);
      if (entry?.tokenizer !== undefined) {
        this.#hits++;
        return Promise.resolve(this.#handle(entry, detection, provider, model));
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#acquireCold(detection, provider, model);
  }

  async #acquireCold(detection: Detected, provider: string, model: string): Promise<PooledTokenizer> {
    let entry = this.#entries.get(detection.vocabulary);
    let loading: Promise<void>;
    if (entry?.loading !== undefined) {
      this.#hits++;
      loading = entry.loading;
    } else {
      this.#misses++;
      entry = this.#newEntry(detection.vocabulary);
      loading = this.#startLoad(entry);
    }
    entry.waiting++;
    try {
      await loading;
    } catch (error) {
      // A sync acquire may have installed the vocabulary while this load failed.
      if (entry.tokenizer === undefined || this.#entries.get(entry.vocabulary) !== entry) throw error;
    } finally {
      entry.waiting--;
    }
    this.#assertLive();
    if (entry.tokenizer === undefined) {
      throw new CtxkitError('TOKENIZER_LOAD_FAILED', `Cannot load the ${detection.vocabulary} vocabulary`, {
        vocabulary: detection.vocabulary,
      });
    }
    return this.#handle(entry, detection, provider, model);
  }

  /**
   * Like {@link TokenizerPool.acquire}, synchronously. If an async load of the
   * vocabulary is in flight, this loads it synchronously (the entry's `loads`
   * becomes 2, visibly) and the async result is discarded.
   * @throws {CtxkitError} `TOKENIZER_LOAD_FAILED` (the next call retries), `DISPOSED`.
   * @param provider - the provider, e.g. `openai`, `anthropic`, `ollama`.
   * @param model - the model name at that provider.
   * @returns a handle to give back with {@link TokenizerPool.release}.
   */
  acquireSync(provider: string, model: string): PooledTokenizer {
    this.#assertLive();
    const detection = this.#detect(provider, model);
    const existing = this.#entries.get(detection.vocabulary);
    if (existing?.tokenizer !== undefined) {
      this.#hits++;
      return this.#handle(existing, detection, provider, model);
    }
    this.#misses++;
    this.#loads++;
    const before = memorySnapshot();
    let tokenizer: Tokenizer;
    try {
      tokenizer = this.#loadSync(detection.vocabulary);
    } catch (cause) {
      this.#failures++;
      throw loadFailed(detection.vocabulary, cause);
    }
    const entry = existing ?? this.#newEntry(detection.vocabulary);
    entry.loads++;
    entry.order = ++this.#order;
    // Hold a reference while installing, so the budget pass cannot evict it.
    entry.refs++;
    this.#install(entry, tokenizer, before);
    entry.refs--;
    return this.#handle(entry, detection, provider, model);
  }

  /**
   * Gives a handle back. The vocabulary stays resident for the next acquire
   * unless the budget or the idle timer evicts it.
   * @throws {CtxkitError} `REFCOUNT_MISUSE` for a handle released twice or from another pool.
   * @param handle - a handle this pool's `acquire` or `acquireSync` returned.
   */
  release(handle: PooledTokenizer): void {
    if (!(handle instanceof PooledTokenizer) || !handle.ownedBy(this)) {
      throw new CtxkitError('REFCOUNT_MISUSE', 'This handle was not acquired from this pool');
    }
    this.releaseHandle(handle);
  }

  /** @internal */
  releaseHandle(handle: PooledTokenizer): void {
    if (!handle.markReleased()) {
      throw new CtxkitError('REFCOUNT_MISUSE', `Tokenizer handle for ${handle.model} released twice`, {
        vocabulary: handle.vocabulary,
        model: handle.model,
      });
    }
    if (this.#disposed) return;
    const entry = this.#entries.get(handle.vocabulary);
    if (entry === undefined) return;
    entry.refs--;
    entry.lastUsed = Date.now();
    if (entry.refs > 0) return;
    this.#enforceBudget();
    if (this.#idleMs !== undefined && this.#entries.get(entry.vocabulary) === entry) {
      const order = entry.order;
      entry.timer = setTimeout(() => {
        entry.timer = undefined;
        if (entry.refs === 0 && entry.waiting === 0 && entry.order === order) this.#evict(entry);
      }, this.#idleMs);
      entry.timer.unref?.();
    }
  }

  #evict(entry: Entry): void {
    if (this.#entries.get(entry.vocabulary) !== entry) return;
    this.#entries.delete(entry.vocabulary);
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    entry.timer = undefined;
    this.#evictions++;
    entry.tokenizer?.free?.();
  }

  #idle(entry: Entry): boolean {
    return entry.tokenizer !== undefined && entry.refs === 0 && entry.waiting === 0;
  }

  #totalBytes(): number {
    let total = 0;
    for (const entry of this.#entries.values()) total += entry.bytes;
    return total;
  }

  // Evict idle entries, least recently used first, until within budget — but
  // never the last resident vocabulary: an oversized one stays warm, visibly.
  #enforceBudget(): void {
    let total = this.#totalBytes();
    while (total > this.#maxBytes && this.#entries.size > 1) {
      let victim: Entry | undefined;
      for (const entry of this.#entries.values()) {
        if (this.#idle(entry) && (victim === undefined || entry.order < victim.order)) victim = entry;
      }
      if (victim === undefined) return;
      total -= victim.bytes;
      this.#evict(victim);
    }
  }

  /** Evicts every idle vocabulary now. @returns how many were evicted. */
  cleanupUnused(): number {
    let n = 0;
    for (const entry of [...this.#entries.values()]) {
      if (this.#idle(entry)) {
        this.#evict(entry);
        n++;
      }
    }
    return n;
  }

  /** Per-vocabulary entries and pool totals. */
  stats(): TokenizerPoolStats {
    const entries: PoolEntryStats[] = [...this.#entries.values()]
      .sort((a, b) => a.order - b.order)
      .map((e) => ({
        vocabulary: e.vocabulary,
        state: e.tokenizer === undefined ? 'loading' : 'ready',
        models: [...e.models],
        modelsDropped: e.modelsDropped,
        refs: e.refs,
        bytes: e.bytes,
        lastUsed: e.lastUsed,
        loads: e.loads,
      }));
    const bytes = this.#totalBytes();
    return {
      entries,
      totals: {
        bytes,
        maxBytes: this.#maxBytes,
        overBudget: Math.max(0, bytes - this.#maxBytes),
        hits: this.#hits,
        misses: this.#misses,
        evictions: this.#evictions,
        loads: this.#loads,
        failures: this.#failures,
      },
    };
  }

  /**
   * Frees every vocabulary and refuses further acquires (`DISPOSED`).
   * Outstanding handles throw `DISPOSED` when used; releasing them is allowed.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const entry of this.#entries.values()) {
      if (entry.timer !== undefined) clearTimeout(entry.timer);
      entry.tokenizer?.free?.();
    }
    this.#entries.clear();
  }

  /** Alias of {@link TokenizerPool.acquire}, same behaviour under the name older code uses. */
  getTokenizer(provider: string, model: string): Promise<PooledTokenizer> {
    return this.acquire(provider, model);
  }

  /** Alias of {@link TokenizerPool.release}, same behaviour under the name older code uses. */
  releaseTokenizer(handle: PooledTokenizer): void {
    this.release(handle);
  }
}
