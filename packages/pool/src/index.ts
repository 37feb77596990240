/**
 * `@ctxkit/pool` — load each vocabulary once. A reference-counted pool of
 * tokenizers keyed by vocabulary (not by provider and model), with load
 * coalescing, retry after failure and LRU eviction within a memory budget.
 *
 * @packageDocumentation
 */

export {
  POOL_MODELS_KEPT,
  type PoolDetection,
  type PoolEntryStats,
  TokenizerPool,
  type TokenizerPoolOptions,
  type TokenizerPoolStats,
} from './pool.js';
export { PooledTokenizer } from './pooled-tokenizer.js';
