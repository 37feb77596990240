// The fallback fit shared by fit-fallback.ts and calibrate-claude.ts.
import type { CharCosts } from '../../src/estimate/char-costs.js';
import { extractFeatures, FEATURE_COUNT, FEATURE_NAMES } from '../../src/estimate/features.js';
import type { PieceFilter } from '../../src/estimate/piece-filter.js';
import type { Sample } from './corpus.js';
import { nnls } from './nnls.js';

/**
 * Fits one non-negative coefficient per feature so that features·coefficients ≈ target,
 * minimising the squared *relative* error with every class given the same total weight.
 * `costs`: the vocabulary's character cost table; `pieces`: its piece filter, if any.
 */
export function fitCoefficients(
  samples: readonly Sample[],
  target: readonly number[],
  costs: CharCosts,
  pieces?: PieceFilter,
): number[] {
  const classSize = new Map<string, number>();
  for (const s of samples) classSize.set(s.cls, (classSize.get(s.cls) ?? 0) + 1);
  const rows: Float64Array[] = [];
  const b: number[] = [];
  const w: number[] = [];
  samples.forEach((s, i) => {
    const y = target[i] as number;
    if (!(y > 0)) return;
    rows.push(extractFeatures(s.text, new Float64Array(FEATURE_COUNT), costs, pieces));
    b.push(y);
    w.push(1 / y / Math.sqrt(classSize.get(s.cls) as number));
  });
  const x = nnls(rows, b, w);
  return finishCoefficients(x);
}

/**
 * Rounds coefficients and applies the two bounds that keep the estimate monotone
 * (`estimate(a + b) ≥ estimate(b)`) where joining text removes events of `b`:
 * - lone surrogates (absent from every corpus) cost no more than any class an astral
 *   code point can fall in, so joining two halves of a surrogate pair never lowers it;
 * - a leading `_` that becomes a snake_case joint (`a` ends in a letter or digit) saves
 *   `punct + punctRuns − snakeJoints` and, before a Latin word, `words − snakeWords`;
 *   `a` then costs at least one run start, its character and (with a piece filter, in any
 *   script but Latin) one piece, and the saving may not
 *   exceed that (snakeJoints is raised when it would).
 */
export function finishCoefficients(x: number[]): number[] {
  const at = (n: (typeof FEATURE_NAMES)[number]) => FEATURE_NAMES.indexOf(n);
  const y = x.map((v) => Math.round(v * 1e5) / 1e5);
  const r = (n: (typeof FEATURE_NAMES)[number]) => y[at(n)] as number;
  y[at('lone')] = Math.min(1, r('han'), r('emoji'), r('marks'), r('other'));
  const cheapestRunStart = Math.min(
    r('words') + Math.min(r('lower'), r('upper'), r('latinExt'), r('latinExtA'), r('latinVi')),
    r('cyrillicWords') + r('cyrillicPieces') + r('cyrillic'),
    r('greekWords') + r('greekPieces') + r('greek'),
    r('arabicWords') + r('arabicPieces') + r('arabic'),
    r('hebrewWords') + r('hebrewPieces') + r('hebrew'),
    r('indicWords') + r('indicPieces') + r('indic'),
    r('seAsianWords') + r('seAsianPieces') + r('seAsian'),
    r('hangulWords') + r('hangulPieces') + r('hangul'),
    r('digits') + r('digitRuns'),
  );
  const saving =
    Math.max(0, r('punct') + r('punctRuns') - r('snakeJoints')) + Math.max(0, r('words') - r('snakeWords'));
  if (saving > cheapestRunStart)
    y[at('snakeJoints')] = Math.ceil((r('snakeJoints') + saving - cheapestRunStart) * 1e5) / 1e5;
  return y;
}
