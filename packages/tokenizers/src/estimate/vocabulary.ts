/**
 * Vocabulary ids (the contract in CONTRACTS.md; structurally identical to the
 * package's own `VocabularyId`).
 */
export type VocabularyId =
  | 'o200k_base'
  | 'cl100k_base'
  | 'o200k_harmony'
  | 'llama3'
  | 'qwen2'
  | 'gemma3'
  | 'mistral_v1'
  | 'tekken'
  | 'deepseek_v3'
  | 'claude'
  | 'fallback';

/** What {@link estimateTokens} accepts: a vocabulary id, or `generic` for an unknown model. */
export type EstimateVocabulary = VocabularyId | 'generic';
