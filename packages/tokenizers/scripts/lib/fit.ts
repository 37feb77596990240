// The fallback fit shared by fit-fallback.ts and calibrate-claude.ts.
import { extractFeatures, FEATURE_NAMES } from '../../src/estimate/features.js';
import type { Sample } from './corpus.js';
import { nnls } from './nnls.js';

/**
 * Fits one non-negative coefficient per feature so that features·coefficients ≈ target,
 * minimising the squared *relative* error with every class given the same total weight.
 */
export function fitCoefficients(samples: readonly Sample[], target: readonly number[]): number[] {
  const classSize = new Map<string, number>();
  for (const s of samples) classSize.set(s.cls, (classSize.get(s.cls) ?? 0) + 1);
  const rows: Float64Array[] = [];
  const b: number[] = [];
  const w: number[] = [];
  samples.forEach((s, i) => {
    const y = target[i] as number;
    if (!(y > 0)) return;
    rows.push(extractFeatures(s.text));
    b.push(y);
    w.push(1 / y / Math.sqrt(classSize.get(s.cls) as number));
  });
  const x = nnls(rows, b, w);
  return finishCoefficients(x);
}

/**
 * Rounds coefficients and prices lone surrogates (absent from every corpus) no higher
 * than any class an astral code point can fall in, so joining two halves of a
 * surrogate pair never lowers the estimate.
 */
export function finishCoefficients(x: number[]): number[] {
  const at = (n: string) => FEATURE_NAMES.indexOf(n as (typeof FEATURE_NAMES)[number]);
  const astral = ['han', 'emoji', 'marks', 'other'].map((n) => x[at(n)] as number);
  x[at('lone')] = Math.min(1, ...astral);
  return x.map((v) => Math.round(v * 1e5) / 1e5);
}
