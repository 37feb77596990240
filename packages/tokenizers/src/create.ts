import { checkOptionKeys } from '@ctxkit/core';
import { detectModel, type ModelDetection } from './detect.js';
import { tokenizerFor, type VocabularyTokenizer } from './tokenizer.js';
import type { VocabularyId } from './vocabularies.js';

/** Options for {@link createTokenizer}. */
export interface CreateTokenizerOptions {
  /**
   * Use this vocabulary instead of the detected one.
   * @default the vocabulary `detectModel(provider, model)` chooses
   */
  vocabulary?: VocabularyId;
}

// A misspelt `vocabulary` would silently count with the detected vocabulary instead.
const CREATE_OPTION_KEYS = { vocabulary: true } satisfies Record<keyof CreateTokenizerOptions, true>;

/** A tokenizer for a model, with the detection that chose its vocabulary. */
export interface ModelTokenizer extends VocabularyTokenizer {
  /** Why this vocabulary was chosen. */
  readonly detection: ModelDetection;
}

/**
 * A tokenizer for a provider/model pair. Synchronous: the vocabulary loads on first use.
 * Unknown models get the fallback estimate (`exact: false`); this never throws for a model.
 * @param provider the provider the model is served by (`openai`, `anthropic`, `ollama`, `openrouter`, …;
 *   `''` when unknown); only decides Claude for unknown model names at `anthropic`
 * @param model the model id as the provider spells it: `gpt-4o`, `qwen2.5-coder:7b`, `openai/gpt-4.1`
 * @param options `vocabulary` forces a vocabulary instead of the detected one
 * @throws {CtxkitError} `INVALID_ARGUMENT` only for an unknown `options.vocabulary` or a misspelt option.
 * @example
 * ```ts
 * const tokenizer = createTokenizer('openai', 'gpt-4o');
 * tokenizer.countTokens('hello world'); // 2
 * tokenizer.countMessages([{ role: 'user', content: 'hi' }]); // the whole request, framing included
 * tokenizer.exact; // true: o200k_base is gpt-4o's own vocabulary
 * ```
 */
export function createTokenizer(
  provider: string,
  model: string,
  options?: CreateTokenizerOptions,
): ModelTokenizer {
  checkOptionKeys(options, CREATE_OPTION_KEYS, 'createTokenizer options');
  const detected = detectModel(provider, model);
  const detection: ModelDetection = options?.vocabulary
    ? {
        ...detected,
        vocabulary: options.vocabulary,
        exact: detected.vocabulary === options.vocabulary && detected.exact,
        reason: `vocabulary ${options.vocabulary} forced by options`,
      }
    : detected;
  const exact = detection.exact;
  const tokenizer = tokenizerFor(detection.vocabulary, detection.family, exact) as ModelTokenizer;
  Object.defineProperty(tokenizer, 'detection', { value: detection, enumerable: true });
  return tokenizer;
}

/**
 * Like {@link createTokenizer}, but loads the vocabulary before resolving.
 * @throws {CtxkitError} `TOKENIZER_LOAD_FAILED` when the vocabulary data cannot be read.
 * @param provider - the provider, e.g. `openai`, `anthropic`, `ollama`.
 * @param model - the model name at that provider.
 * @param options - `vocabulary` forces a vocabulary instead of the detected one.
 */
export async function loadTokenizer(
  provider: string,
  model: string,
  options?: CreateTokenizerOptions,
): Promise<ModelTokenizer> {
  const tokenizer = createTokenizer(provider, model, options);
  tokenizer.preload();
  return tokenizer;
}

/**
 * A tokenizer for one vocabulary, the unit a pool keys on: one instance serves every model
 * that maps to the vocabulary. The vocabulary loads on first use.
 * @throws {CtxkitError} `INVALID_ARGUMENT` for an unknown vocabulary id.
 * @param vocabulary - the vocabulary id, e.g. `tiktoken:o200k_base`.
 */
export function createVocabularyTokenizer(vocabulary: VocabularyId): VocabularyTokenizer {
  return tokenizerFor(vocabulary);
}

/**
 * Like {@link createVocabularyTokenizer}, loaded before resolving.
 * @throws {CtxkitError} `INVALID_ARGUMENT` for an unknown id, `TOKENIZER_LOAD_FAILED` when data cannot be read.
 * @param vocabulary - the vocabulary id, e.g. `tiktoken:o200k_base`.
 */
export async function loadVocabulary(vocabulary: VocabularyId): Promise<VocabularyTokenizer> {
  const tokenizer = tokenizerFor(vocabulary);
  tokenizer.preload();
  return tokenizer;
}

/** Alias of {@link createTokenizer}, same behaviour under the name older code uses. */
export const createEnhancedTokenizer = createTokenizer;
