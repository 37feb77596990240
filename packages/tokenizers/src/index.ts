/**
 * `@ctxkit/tokenizers` — exact token counts for every major model family, calibrated
 * estimates where no public vocabulary exists, and which is which.
 *
 * @packageDocumentation
 */

export {
  type CreateTokenizerOptions,
  createEnhancedTokenizer,
  createTokenizer,
  createVocabularyTokenizer,
  loadTokenizer,
  loadVocabulary,
  type ModelTokenizer,
} from './create.js';
export { detectModel, MODEL_NAME_MAX_CHARS, MODEL_RULES, type ModelDetection } from './detect.js';
export {
  CLAUDE_FRAMING,
  type EstimateVocabulary,
  estimateClaudeTokens,
  estimateTokens,
  FEATURE_NAMES,
} from './estimate/index.js';
export { FRAMINGS, type Framing, type ImagePolicy } from './framing.js';
export {
  anthropicImageTokens,
  DEFAULT_IMAGE_SIDE,
  imageTokens,
  openaiImageTokens,
  patchImageTokens,
} from './images.js';
export {
  EstimateTokenizer as EnhancedFallbackTokenizer,
  EstimateTokenizer,
  ExactTokenizer,
  type VocabularyTokenizer,
} from './tokenizer.js';
export {
  isVocabularyId,
  VOCABULARIES,
  VOCABULARY_IDS,
  type VocabularyEngine,
  type VocabularyId,
  type VocabularyInfo,
} from './vocabularies.js';
