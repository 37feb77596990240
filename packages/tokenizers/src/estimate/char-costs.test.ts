import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { charCostFile } from '../../scripts/lib/char-cost-build.js';
import { REFERENCE_VOCABULARIES } from '../../scripts/lib/reference.js';
import { readDataBinary } from '../data-files.js';
import { loadLeanEngine } from '../engines/load-engine.js';
import {
  CHAR_COST_SPAN,
  CHAR_COST_TABLE_BYTES,
  CHAR_COST_VOCABULARIES,
  charCostIndex,
  extraCost,
  packCharCosts,
} from './char-costs.js';
import { charCostsFor } from './estimator-data.js';
import { extractFeatures, FEATURE_COUNT, FEATURE_NAMES } from './features.js';

describe('character cost tables', () => {
  it('maps covered code points to a dense index and leaves the rest out', () => {
    expect(charCostIndex(0x7f)).toBe(-1);
    expect(charCostIndex(0x80)).toBe(0);
    expect(charCostIndex(0xffff)).toBe(0xffff - 0x80);
    expect(charCostIndex(0x10000)).toBe(-1);
    expect(charCostIndex(0x1f000)).toBe(0x10000 - 0x80);
    expect(charCostIndex(0x1faff)).toBe(CHAR_COST_SPAN - 1);
    expect(charCostIndex(0x1fb00)).toBe(-1);
  });

  it('packs and reads back two bits per code point, clamped to 0–3', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -2, max: 6 }), { minLength: 1, maxLength: 64 }), (values) => {
        const extra = new Float64Array(CHAR_COST_SPAN);
        values.forEach((v, i) => {
          extra[i * 997] = v;
        });
        const table = packCharCosts(extra);
        values.forEach((v, i) => {
          expect(extraCost(table, i * 997)).toBe(Math.max(0, Math.min(3, v)));
        });
      }),
    );
  });

  // The committed file against a rebuild from the exact engines: a rebuilt vocabulary
  // without rebuilt tables (or a hand-edited table) fails here.
  it('data/char-costs.bin is what scripts/build-char-costs.ts builds from the vocabularies', () => {
    const rebuilt = charCostFile();
    const committed = readDataBinary('char-costs.bin');
    expect(committed.length).toBe(CHAR_COST_VOCABULARIES.length * CHAR_COST_TABLE_BYTES);
    expect(Buffer.compare(Buffer.from(rebuilt), committed)).toBe(0);
  });

  it.each(REFERENCE_VOCABULARIES)(
    '%s: a table entry is the character’s extra tokens in the vocabulary',
    (v) => {
      const engine = loadLeanEngine(v);
      const table = charCostsFor(v);
      const base = engine.count('\n');
      for (const ch of ['的', '龘', 'é', 'ж', 'ア', '한', 'ก', 'ع', '😀', '🇩', '→', '\u200d', '\ufe0f']) {
        const cp = ch.codePointAt(0) as number;
        const expected = Math.min(3, Math.max(0, engine.count(`\n${ch}`) - base - 1));
        expect({ ch, extra: extraCost(table, charCostIndex(cp)) }).toEqual({ ch, extra: expected });
      }
    },
  );

  it('cl100k_base: a common ideograph costs nothing extra, a rare one does', () => {
    const table = charCostsFor('cl100k_base');
    expect(extraCost(table, charCostIndex(0x7684))).toBe(0); // 的
    expect(extraCost(table, charCostIndex(0x9f98))).toBeGreaterThan(0); // 龘
  });

  it('feeds the per-script extra features, and only when a table is given', () => {
    const at = (n: (typeof FEATURE_NAMES)[number]) => FEATURE_NAMES.indexOf(n);
    const text = '龘龘 abc';
    const without = extractFeatures(text, new Float64Array(FEATURE_COUNT));
    const withTable = extractFeatures(text, new Float64Array(FEATURE_COUNT), charCostsFor('cl100k_base'));
    const expected = 2 * extraCost(charCostsFor('cl100k_base'), charCostIndex(0x9f98));
    expect(without[at('hanExtra')]).toBe(0);
    expect(withTable[at('hanExtra')]).toBe(expected);
    expect(withTable[at('latinExtra')]).toBe(0);
  });
});
