// Randomized differential test of the lean engine against the independent
// oracles (WASM tiktoken, Rust HF tokenizers): random Unicode strings —
// astral code points, lone surrogates, combining marks, whitespace runs — and
// random slices of the real transcripts, cut anywhere (mid-word, mid-line).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { allTranscriptTexts } from '../../test/corpus.js';
import { REFERENCES, type Reference } from '../../test/references.js';
import { createVocabularyTokenizer, type VocabularyId } from '../index.js';

const corpus = allTranscriptTexts().join('\n');

const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u));
const interesting = fc.constantFrom(
  ' ',
  '  ',
  '\n',
  '\t',
  "'s",
  "'LL",
  '’',
  'é',
  'e\u0301',
  '１２３',
  '中文',
  '👍🏽',
  '\uFEFF',
  '<',
  '>',
  '▁',
  '\n\n\n',
  '0123456789',
);
const randomText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: codeUnit, maxLength: 40 }),
  fc.string({ unit: fc.oneof(interesting, fc.string({ unit: 'grapheme', maxLength: 3 })), maxLength: 40 }),
);
const slice = fc
  .tuple(fc.nat({ max: Math.max(0, corpus.length - 1) }), fc.integer({ min: 1, max: 3000 }))
  .map(([start, len]) => corpus.slice(start, start + len));

// o200k_harmony runs on o200k_base's data file (engines/load-engine.ts), so the o200k_base run covers its engine.
const { o200k_harmony: _sameRanksAsO200k, ...ORACLES } = REFERENCES;

const refs: Reference[] = [];
afterAll(() => {
  for (const r of refs) r.free();
});

describe('lean engine: randomized differential test against the oracles', () => {
  it.each(Object.keys(ORACLES))(
    '%s: identical ids on random Unicode and random transcript slices',
    async (vocabulary) => {
      const reference = ORACLES[vocabulary as keyof typeof ORACLES]();
      refs.push(reference);
      const ours = createVocabularyTokenizer(vocabulary as VocabularyId);
      await fc.assert(
        fc.asyncProperty(fc.oneof(randomText, slice), async (text) => {
          const ids = ours.encode(text);
          expect(ids).toEqual(await reference.encode(text));
          expect(ours.countTokens(text)).toBe(ids.length);
        }),
        {
          numRuns: Number(process.env.CTXKIT_DIFF_RUNS ?? 150),
          seed: Number(process.env.CTXKIT_DIFF_SEED ?? 20261125),
        },
      );
    },
    120_000,
  );
});
