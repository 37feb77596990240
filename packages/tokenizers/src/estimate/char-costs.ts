// Per-vocabulary extra cost of single characters, for the fallback estimator: how many
// tokens beyond one a character takes on its own in that vocabulary (0–3), two bits per
// code point. Whether an ideograph, a kana or an accented letter is a token of its own
// is a fact of the vocabulary that no character class can tell (cl100k_base spends one
// token on 的 and three on 龘). Built from the exact vocabularies by
// scripts/build-char-costs.ts into data/char-costs.bin (17 KB per vocabulary), read on
// the first estimate: a program that only counts exactly never loads it.

/** Code points covered: U+0080–U+FFFF, then the emoji blocks U+1F000–U+1FAFF. */
const BMP_START = 0x80;
const EMOJI_START = 0x1f000;
const EMOJI_END = 0x1fb00;
const EMOJI_INDEX = 0x10000 - BMP_START;

/** Number of code points a table covers. */
export const CHAR_COST_SPAN = EMOJI_INDEX + (EMOJI_END - EMOJI_START);

/** Bytes of one packed table. */
export const CHAR_COST_TABLE_BYTES = Math.ceil(CHAR_COST_SPAN / 4);

/** Table index of a code point, or -1 when the table does not cover it (ASCII, other astral planes). */
export function charCostIndex(cp: number): number {
  if (cp < BMP_START) return -1;
  if (cp < 0x10000) return cp - BMP_START;
  if (cp >= EMOJI_START && cp < EMOJI_END) return EMOJI_INDEX + cp - EMOJI_START;
  return -1;
}

/** Packed costs: two bits per covered code point. */
export type CharCosts = Uint8Array;

/** The extra tokens (0–3) of the code point at table index `index` (≥ 0). */
export function extraCost(costs: CharCosts, index: number): number {
  return ((costs[index >> 2] as number) >> ((index & 3) << 1)) & 3;
}

/** Packs per-index extra costs (each clamped to 0–3) into a table. */
export function packCharCosts(extra: ArrayLike<number>): CharCosts {
  const out = new Uint8Array(CHAR_COST_TABLE_BYTES);
  for (let i = 0; i < CHAR_COST_SPAN; i++) {
    const e = Math.max(0, Math.min(3, Math.round(extra[i] ?? 0)));
    out[i >> 2] = (out[i >> 2] as number) | (e << ((i & 3) << 1));
  }
  return out;
}

/** Vocabularies with a fitted estimator set and a cost table of their own (the fit scripts' targets). */
export const FITTED_VOCABULARIES = [
  'o200k_base',
  'cl100k_base',
  'llama3',
  'qwen2',
  'gemma3',
  'deepseek_v3',
  'mistral_v1',
] as const;

/** A vocabulary with fitted coefficients, a cost table and a piece filter of its own. */
export type FittedVocabulary = (typeof FITTED_VOCABULARIES)[number];

/** The tables in data/char-costs.bin, in file order (`generic`: the rounded mean of the others). */
export const CHAR_COST_VOCABULARIES = [...FITTED_VOCABULARIES, 'generic'] as const;

/** A vocabulary with a character cost table. */
export type CharCostVocabulary = (typeof CHAR_COST_VOCABULARIES)[number];
