import { isCtxkitError } from '@ctxkit/core';
import { loadTranscripts } from '@ctxkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCorpus } from '../../scripts/lib/corpus.js';
import { evaluate } from '../../scripts/lib/evaluate.js';
import { REFERENCE_VOCABULARIES, referenceCounter } from '../../scripts/lib/reference.js';
import { estimateClaudeTokens, estimateTokens } from './index.js';
import type { EstimateVocabulary } from './vocabulary.js';

const VOCABS: EstimateVocabulary[] = [...REFERENCE_VOCABULARIES, 'generic', 'claude', 'tekken', 'fallback'];

// Any UTF-16 code units, lone surrogates included.
const anyText = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      'a',
      'Z',
      '7',
      ' ',
      '\t',
      '\n',
      '{',
      '"',
      '_',
      'é',
      'ж',
      '中',
      'ア',
      '한',
      '😀',
      '\u200d',
      '\ufe0f',
    ),
    fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)),
    fc.integer({ min: 0x10000, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)),
  ),
  maxLength: 200,
});

describe('estimateTokens properties', () => {
  it('is a non-negative integer, 0 only for the empty string', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom(...VOCABS), (text, v) => {
        const n = estimateTokens(text, v);
        expect(Number.isInteger(n)).toBe(true);
        expect(n).toBeGreaterThanOrEqual(text.length > 0 ? 1 : 0);
      }),
      { numRuns: 300 },
    );
  });

  it('never decreases when text is appended or prepended (even splitting surrogate pairs)', () => {
    fc.assert(
      fc.property(anyText, anyText, fc.constantFrom(...VOCABS), (a, b, v) => {
        const whole = estimateTokens(a + b, v);
        expect(whole).toBeGreaterThanOrEqual(estimateTokens(a, v));
        expect(whole).toBeGreaterThanOrEqual(estimateTokens(b, v));
      }),
      { numRuns: 500 },
    );
  });

  it('grows with repetition of any text', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 20 }), (text, k) => {
        expect(estimateTokens(text.repeat(k + 1))).toBeGreaterThanOrEqual(estimateTokens(text.repeat(k)));
      }),
    );
  });

  it('counts huge strings and lone surrogates without throwing', () => {
    const huge = 'x'.repeat(3_000_000) + '\ud800'.repeat(1000) + '中'.repeat(100_000);
    const n = estimateTokens(huge, 'o200k_base');
    expect(n).toBeGreaterThan(100_000);
    expect(estimateClaudeTokens('\udc00\ud83d')).toBeGreaterThanOrEqual(1);
  });

  it('rejects non-strings with a typed error', () => {
    for (const bad of [null, undefined, 42, {}, ['a']]) {
      let caught: unknown;
      try {
        estimateTokens(bad as unknown as string);
      } catch (e) {
        caught = e;
      }
      expect(isCtxkitError(caught, 'INVALID_ARGUMENT')).toBe(true);
      expect(() => estimateClaudeTokens(bad as unknown as string)).toThrow(/expects a string/);
    }
  });
});

describe('estimateTokens accuracy on held-out text (exact vocabularies as reference)', () => {
  // A reduced held-out corpus keeps the suite fast; fit-fallback.ts prints the full table.
  const test = buildCorpus(loadTranscripts(), 'test', { perClass: 8, chunksPerTranscript: 4 });

  it('covers every class, transcripts included', () => {
    const classes = new Set(test.map((s) => s.cls));
    expect(classes.size).toBeGreaterThanOrEqual(17);
    expect(classes.has('transcript')).toBe(true);
  });

  for (const v of REFERENCE_VOCABULARIES) {
    // Measured on this reduced corpus: mean 1.6–3.2 %, worst class 3.9–6.2 % (full held-out
    // set: ESTIMATORS.md); the bounds leave room for its sampling noise, not for a regression.
    it(`${v}: mean error ≤ 5 %, every class ≤ 10 %, far below chars/4`, () => {
      const count = referenceCounter(v);
      const exact = test.map((s) => count(s.text));
      const est = evaluate(test, exact, (i) => estimateTokens(test[i]?.text as string, v));
      const c4 = evaluate(test, exact, (i) => Math.ceil((test[i]?.text.length as number) / 4));
      expect(est.mean).toBeLessThanOrEqual(0.05);
      expect(est.worstClass).toBeLessThanOrEqual(0.1);
      expect(est.mean).toBeLessThan(c4.mean / 3);
    });
  }
});
