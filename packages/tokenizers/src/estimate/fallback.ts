import { assertText } from '../assert-text.js';
import type { CharCostVocabulary, FittedVocabulary } from './char-costs.js';
import { CLAUDE_COEFFICIENTS } from './claude-coefficients.js';
import { charCostsFor, pieceFilterFor } from './estimator-data.js';
import { FALLBACK_COEFFICIENTS } from './fallback-coefficients.js';
import { extractFeatures, FEATURE_COUNT, weigh } from './features.js';
import type { EstimateVocabulary } from './vocabulary.js';

// Reused scratch buffer: the estimators are synchronous, so one is enough.
const scratch = new Float64Array(FEATURE_COUNT);

/** Coefficients, character costs and piece filter of one estimator. */
export interface EstimatorSet {
  coefficients: readonly number[];
  costs: CharCostVocabulary;
  /** The vocabulary whose piece filter counts word pieces; none for generic and Claude. */
  pieces?: FittedVocabulary;
}

/** The set used for each vocabulary id. */
function setFor(vocabulary: EstimateVocabulary): EstimatorSet {
  switch (vocabulary) {
    case 'o200k_base':
    case 'o200k_harmony': // same ranks as o200k_base on ordinary text
      return { coefficients: FALLBACK_COEFFICIENTS.o200k_base, costs: 'o200k_base', pieces: 'o200k_base' };
    case 'cl100k_base':
    case 'llama3':
    case 'qwen2':
    case 'gemma3':
    case 'deepseek_v3':
    case 'mistral_v1':
      return { coefficients: FALLBACK_COEFFICIENTS[vocabulary], costs: vocabulary, pieces: vocabulary };
    case 'claude':
      return CLAUDE_SET;
    default:
      // 'generic', 'fallback', 'tekken' (no offline vocabulary for later tekken models)
      // and anything unexpected from untyped callers.
      return { coefficients: FALLBACK_COEFFICIENTS.generic, costs: 'generic' };
  }
}

/** Claude: its own coefficients over the generic character costs (no Claude vocabulary is public). */
export const CLAUDE_SET: EstimatorSet = { coefficients: CLAUDE_COEFFICIENTS, costs: 'generic' };

/** Weighs the features of `text` with a set's coefficients and rounds to a token count. */
export function estimateWith(text: string, set: EstimatorSet): number {
  if (text.length === 0) return 0;
  const pieces = set.pieces === undefined ? undefined : pieceFilterFor(set.pieces);
  const raw = weigh(extractFeatures(text, scratch, charCostsFor(set.costs), pieces), set.coefficients);
  // Non-negative coefficients make `raw` ≥ 0; a non-empty text is at least one token.
  return Math.max(1, Math.round(raw));
}

/**
 * Estimates the token count of `text` for a vocabulary without loading it: one pass
 * over ~70 features — character classes (letters, words, long words, snake_case joints,
 * digits, whitespace runs, punctuation runs, CJK, Cyrillic, Arabic, Indic, emoji …), a
 * 17 KB table of what each non-ASCII character costs on its own in that vocabulary, and
 * the pieces of every non-Latin or accented word, walked against a Bloom filter of the
 * vocabulary's word pieces (20–250 KB) — weighed by non-negative coefficients fitted
 * against the exact vocabulary (`scripts/fit-fallback.ts`, `scripts/build-char-costs.ts`,
 * `scripts/build-piece-filters.ts`). The tables and filters are read on the first estimate.
 *
 * - `vocabulary` defaults to `'generic'` (fitted to the mean of all exact vocabularies,
 *   no piece filter), used for unknown models; `'claude'` gives {@link estimateClaudeTokens}.
 * - Never NaN or negative; 0 only for the empty string; `estimateTokens(a + b)` is never
 *   below `estimateTokens(a)` or `estimateTokens(b)`. Lone surrogates are counted.
 * - Held-out error (ESTIMATORS.md): 2.2–3.4 % mean per sample per vocabulary, no class
 *   over 5.7 %; chars/4 is 29–51 %.
 *
 * @throws CtxkitError `INVALID_ARGUMENT` when `text` is not a string.
 * @example
 * ```ts
 * estimateTokens('Hello, world!', 'llama3'); // ≈ 4
 * ```
 * @param text - the text to estimate.
 * @param vocabulary - which vocabulary's character classes to estimate for.
 */
export function estimateTokens(text: string, vocabulary: EstimateVocabulary = 'generic'): number {
  assertText(text, 'estimateTokens');
  return estimateWith(text, setFor(vocabulary));
}
