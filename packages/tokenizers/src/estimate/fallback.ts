import { assertText } from './check.js';
import { CLAUDE_COEFFICIENTS } from './claude-coefficients.js';
import { FALLBACK_COEFFICIENTS } from './coefficients.js';
import { extractFeatures, FEATURE_COUNT, weigh } from './features.js';
import type { EstimateVocabulary } from './vocabulary.js';

// Reused scratch buffer: the estimators are synchronous, so one is enough.
const scratch = new Float64Array(FEATURE_COUNT);

/** Coefficients used for each vocabulary id. */
function coefficientsFor(vocabulary: EstimateVocabulary): readonly number[] {
  switch (vocabulary) {
    case 'o200k_base':
    case 'o200k_harmony': // same ranks as o200k_base on ordinary text
      return FALLBACK_COEFFICIENTS.o200k_base;
    case 'cl100k_base':
    case 'llama3':
    case 'qwen2':
    case 'gemma3':
    case 'deepseek_v3':
    case 'mistral_v1':
      return FALLBACK_COEFFICIENTS[vocabulary];
    case 'claude':
      return CLAUDE_COEFFICIENTS;
    default:
      // 'generic', 'fallback', 'tekken' (no offline vocabulary for later tekken models)
      // and anything unexpected from untyped callers.
      return FALLBACK_COEFFICIENTS.generic;
  }
}

/** Weighs the features of `text` with `coefficients` and rounds to a token count. */
export function estimateWith(text: string, coefficients: readonly number[]): number {
  if (text.length === 0) return 0;
  const raw = weigh(extractFeatures(text, scratch), coefficients);
  // Non-negative coefficients make `raw` ≥ 0; a non-empty text is at least one token.
  return Math.max(1, Math.round(raw));
}

/**
 * Estimates the token count of `text` for a vocabulary without loading it: one pass
 * over ~30 character classes (letters, words, long words, digits, whitespace runs,
 * punctuation runs, CJK, Cyrillic, Arabic, Indic, emoji …) weighed by non-negative
 * coefficients fitted against the exact vocabulary (`scripts/fit-fallback.ts`).
 *
 * - `vocabulary` defaults to `'generic'` (fitted to the mean of all exact vocabularies),
 *   used for unknown models; `'claude'` gives {@link estimateClaudeTokens}.
 * - Never NaN or negative; 0 only for the empty string; `estimateTokens(a + b)` is never
 *   below `estimateTokens(a)` or `estimateTokens(b)`. Lone surrogates are counted.
 * - Held-out error: see the package README (≈ 4–6 % mean per sample; chars/4 is 26–45 %).
 *
 * @throws CtxkitError `INVALID_ARGUMENT` when `text` is not a string.
 * @example
 * ```ts
 * estimateTokens('Hello, world!', 'llama3'); // ≈ 4
 * ```
 */
export function estimateTokens(text: string, vocabulary: EstimateVocabulary = 'generic'): number {
  assertText(text, 'estimateTokens');
  return estimateWith(text, coefficientsFor(vocabulary));
}
