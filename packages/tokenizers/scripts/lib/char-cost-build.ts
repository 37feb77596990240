// Builds the fallback estimator's character cost tables (data/char-costs.bin) from the
// exact engines; shared by scripts/build-char-costs.ts and the test that checks the
// committed file against a rebuild.
import { loadLeanEngine } from '../../src/engines/load-engine.js';
import {
  CHAR_COST_SPAN,
  CHAR_COST_VOCABULARIES,
  charCostIndex,
  packCharCosts,
} from '../../src/estimate/char-costs.js';
import { REFERENCE_VOCABULARIES } from './reference.js';

/**
 * Extra tokens (0–3) of every covered code point on its own, per vocabulary, measured as
 * count("\n" + ch) − count("\n") − 1 (the newline keeps sentencepiece vocabularies from
 * adding their word-start marker, and never merges with what follows it); `generic` is the
 * mean over the vocabularies. Lone surrogates stay 0: their own feature prices them.
 */
export function measureCharCosts(): Record<string, Float64Array> {
  const codePoints: number[] = [];
  for (let cp = 0x80; cp < 0x1fb00; cp++) if (charCostIndex(cp) === codePoints.length) codePoints.push(cp);
  if (codePoints.length !== CHAR_COST_SPAN) throw new Error('index map is not dense');
  const extras: Record<string, Float64Array> = {};
  for (const v of REFERENCE_VOCABULARIES) {
    const engine = loadLeanEngine(v);
    const base = engine.count('\n');
    const extra = new Float64Array(CHAR_COST_SPAN);
    codePoints.forEach((cp, i) => {
      if (cp >= 0xd800 && cp <= 0xdfff) return;
      extra[i] = Math.max(0, engine.count(`\n${String.fromCodePoint(cp)}`) - base - 1);
    });
    extras[v] = extra;
  }
  extras.generic = new Float64Array(CHAR_COST_SPAN).map(
    (_, i) =>
      REFERENCE_VOCABULARIES.reduce((s, v) => s + (extras[v]?.[i] ?? 0), 0) / REFERENCE_VOCABULARIES.length,
  );
  return extras;
}

/** The bytes of data/char-costs.bin: the packed tables in CHAR_COST_VOCABULARIES order. */
export function charCostFile(extras: Record<string, Float64Array> = measureCharCosts()): Uint8Array {
  return Buffer.concat(CHAR_COST_VOCABULARIES.map((v) => packCharCosts(extras[v] as Float64Array)));
}
