// The fallback match on a shortened copy (long-match.ts) against the plain regexp on texts the
// regexp engine can still match: runs of alike characters of every kind the real patterns
// distinguish, shortened at a small `keep` so that almost every run is cut.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDataBinary } from '../data-files.js';
import { readLeanFile } from './lean-file.js';
import { flatPattern, shortenedMatch } from './long-match.js';

const PATTERNS = ['o200k_base', 'cl100k_base', 'tekken', 'llama3', 'qwen2', 'deepseek_v3'].flatMap((name) =>
  readLeanFile(readDataBinary(`${name}.bin`)).settings.splits.map((source, i) => ({
    name: `${name}#${i}`,
    re: new RegExp(source, 'gu'),
  })),
);

/** Characters from every class the patterns tell apart (cases, marks, digits, spaces, literals). */
const UNITS = [..."aAsStl中文ぁア😀é\u0301 \t\n\r/'=-_1٣.!", '\u3000', '\u00a0'];
/** Texts as runs: a unit repeated 1–120 times. */
const text = fc
  .array(fc.tuple(fc.constantFrom(...UNITS), fc.integer({ min: 1, max: 120 })), {
    minLength: 1,
    maxLength: 12,
  })
  .map((runs) => runs.map(([unit, n]) => unit.repeat(n)).join(''));

describe('flatPattern', () => {
  it('accepts every pre-tokenizer pattern shipped', () => {
    for (const { name, re } of PATTERNS)
      expect({ name, flat: flatPattern(re.source, re.flags) !== null }).toEqual({ name, flat: true });
  });
  it.each(['(a+)+', '(?:ab)*', '(?<=a)b', '(a)\\1', '^a+', 'a+$', '\\ba+', 'a*?', 'a{2,}+', '(?<n>a)'])(
    'rejects %s (outside the argument)',
    (source) => {
      expect(flatPattern(source, 'gu')).toBeNull();
    },
  );
});

describe('shortenedMatch = the plain match', () => {
  it('on random texts of runs, for every shipped pattern, at keep 16', () => {
    let shortened = 0;
    fc.assert(
      fc.property(text, (t) => {
        for (const { name, re } of PATTERNS) {
          re.lastIndex = 0;
          for (;;) {
            const from = re.lastIndex;
            const m = re.exec(t);
            if (m === null) break;
            const got = shortenedMatch(re, t, from, 16);
            if (got) {
              shortened++;
              expect({ name, at: got.index, piece: got[0] }).toEqual({ name, at: m.index, piece: m[0] });
            }
            if (m[0].length === 0) re.lastIndex++;
          }
        }
      }),
      { numRuns: 150, seed: 20261202 },
    );
    // Most matches went through a shortened copy (texts with a run over 34 code points).
    expect(shortened).toBeGreaterThan(1000);
  });
});
