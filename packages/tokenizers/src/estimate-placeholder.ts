// TEMPORARY: stands in for `./estimate/` (written on the `estimators` branch) until it
// is merged; it is deleted then. Do not build on it.
import type { VocabularyId } from './vocabularies.js';

/** Placeholder: ~4 characters per token. */
export function estimateTokens(text: string, _vocabulary?: VocabularyId | 'generic'): number {
  return Math.ceil(text.length / 4);
}

/** Placeholder: Claude 4 counts ≈ 1.77 × chars/4 (RESEARCH §2). */
export function estimateClaudeTokens(text: string): number {
  return Math.ceil((text.length / 4) * 1.77);
}
