import type { VocabularyId } from '../vocabularies.js';

/** What {@link estimateTokens} accepts: a vocabulary id, or `generic` for an unknown model. */
export type EstimateVocabulary = VocabularyId | 'generic';
