// Long runs — one pre-token of thousands of symbols, merged chunk by chunk (lean/long-piece.ts) —
// give the same ids as the independent references on every exact vocabulary: runs of one
// character, periodic patterns, phase-shifted runs and aperiodic long words. Sizes are a few
// chunks (WASM tiktoken is quadratic on one long piece); the 10 MB figures are in `pnpm bench`.
import { afterAll, describe, expect, it } from 'vitest';
import { createVocabularyTokenizer, type VocabularyId } from './index.js';
import { CHUNK_SYMBOLS, LONG_PIECE_SYMBOLS } from './lean/long-piece.js';
import { hfReference, type Reference, tekkenReference, tiktokenReference } from './testing/references.js';

/** Characters per ASCII sample: several chunks past the long-piece threshold. */
const ASCII = LONG_PIECE_SYMBOLS + 2 * CHUNK_SYMBOLS;
/** Characters per multibyte sample: past the threshold even where a symbol is a whole character. */
const WIDE = LONG_PIECE_SYMBOLS + 512;

const repeat = (unit: string, chars: number) => unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars);

/** A seeded generator, so a failure names a sample that can be rebuilt. */
function random(seed: number, alphabet: readonly string[], length: number): string {
  let x = seed;
  let s = '';
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += alphabet[(x >>> 8) % alphabet.length];
  }
  return s;
}
const letters = [...'abcdefghijklmnopqrstuvwxyz'];
const base64 = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'];

const SAMPLES: Record<string, string> = {
  '=': repeat('=', ASCII),
  space: repeat(' ', ASCII),
  newline: repeat('\n', ASCII),
  a: repeat('a', ASCII),
  '0': repeat('0', ASCII),
  digits: repeat('0123456789', ASCII),
  '▁': repeat('▁', WIDE),
  'base64 A…A==': `${repeat('A', ASCII)}==`,
  'base64 then padding': `${random(7, base64, 400)}${repeat('=', ASCII)}`,
  CJK: repeat('中', WIDE),
  emoji: repeat('😀', WIDE),
  'emoji + skin tone': repeat('👍🏽', WIDE),
  'e + combining acute': repeat('e\u0301', WIDE),
  ab: repeat('ab', ASCII),
  abc: repeat('abc', ASCII),
  '=\\n': repeat('=\n', ASCII),
  '-=': repeat('-=', ASCII),
  'ab ': repeat('ab ', ASCII),
  '\\r\\n': repeat('\r\n', ASCII),
  'period 7': repeat('abcdefg', ASCII),
  'period 31': repeat('the quick brown fox jumps ovr_x', ASCII),
  'x then a…a (phase shift)': `x${repeat('a', ASCII)}`,
  'a…a then b': `${repeat('a', ASCII)}b`,
  'a…a b a…a': `${repeat('a', ASCII / 2)}b${repeat('a', ASCII / 2)}`,
  'space run then word': `${repeat(' ', ASCII)}word`,
  'random letters': random(1, letters, ASCII),
  'random a/b': random(2, ['a', 'b'], ASCII),
  'random aa/a/b': random(3, ['aa', 'a', 'b'], ASCII),
  'random base64': random(4, base64, ASCII),
  'random CJK': random(5, [...'中文字符测试的是一了'], WIDE),
  'random accented letters': random(6, [...'éèàüößçñабвгдежαβγ'], WIDE),
};

const ORACLES: Record<string, () => Reference> = {
  o200k_base: () => tiktokenReference('o200k_base'),
  cl100k_base: () => tiktokenReference('cl100k_base'),
  o200k_harmony: () => hfReference('o200k_harmony'),
  tekken: () => tekkenReference(),
  llama3: () => hfReference('llama3'),
  qwen2: () => hfReference('qwen2'),
  gemma3: () => hfReference('gemma3'),
  deepseek_v3: () => hfReference('deepseek_v3'),
  mistral_v1: () => hfReference('mistral_v1'),
};

const refs: Reference[] = [];
afterAll(() => {
  for (const r of refs) r.free();
});

describe('long runs: identical ids to the references', () => {
  it.each(Object.keys(ORACLES))(
    '%s',
    async (vocabulary) => {
      const reference = ORACLES[vocabulary]!();
      refs.push(reference);
      const ours = createVocabularyTokenizer(vocabulary as VocabularyId);
      for (const [name, text] of Object.entries(SAMPLES)) {
        const ids = ours.encode(text);
        expect({ name, ids }).toEqual({ name, ids: await reference.encode(text) });
        expect({ name, count: ours.countTokens(text) }).toEqual({ name, count: ids.length });
      }
      ours.free();
    },
    120_000,
  );
});
