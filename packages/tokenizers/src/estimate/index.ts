// Public surface of the estimators (re-exported by the package index).
export { CLAUDE_FRAMING, estimateClaudeTokens } from './claude.js';
export { estimateTokens } from './fallback.js';
export { FEATURE_NAMES } from './features.js';
export type { EstimateVocabulary } from './vocabulary.js';
