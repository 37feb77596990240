// Error statistics for estimators against exact counts, per class.
import type { Sample } from './corpus.js';

/** Mean absolute relative error per class, plus overall figures. */
export interface Evaluation {
  perClass: Record<string, number>;
  /** Mean over samples of |est − exact| / exact. */
  mean: number;
  /** 90th percentile of the per-sample error. */
  p90: number;
  /** Worst per-class mean. */
  worstClass: number;
}

/** Evaluates `estimate(i)` against `exact[i]` over `samples` (samples with 0 exact tokens skipped). */
export function evaluate(
  samples: readonly Sample[],
  exact: readonly number[],
  estimate: (i: number) => number,
): Evaluation {
  const byClass = new Map<string, number[]>();
  const all: number[] = [];
  samples.forEach((s, i) => {
    const y = exact[i] as number;
    if (!(y > 0)) return;
    const e = Math.abs(estimate(i) - y) / y;
    all.push(e);
    const list = byClass.get(s.cls) ?? [];
    list.push(e);
    byClass.set(s.cls, list);
  });
  const perClass: Record<string, number> = {};
  for (const [c, list] of byClass) perClass[c] = list.reduce((a, b) => a + b, 0) / list.length;
  all.sort((a, b) => a - b);
  return {
    perClass,
    mean: all.reduce((a, b) => a + b, 0) / (all.length || 1),
    p90: all[Math.floor(all.length * 0.9)] ?? 0,
    worstClass: Math.max(...Object.values(perClass)),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Prints a class × vocabulary matrix: estimate error, then chars/4 in brackets. */
export function formatTable(
  rows: { name: string; est: Evaluation; generic: Evaluation; chars4: Evaluation }[],
): string {
  const classes = Object.keys(rows[0]?.est.perClass ?? {});
  const head = ['class', ...rows.map((r) => r.name)];
  const lines = [head.join(' | '), head.map(() => '---').join(' | ')];
  for (const c of classes)
    lines.push(
      [c, ...rows.map((r) => `${pct(r.est.perClass[c] ?? 0)} (${pct(r.chars4.perClass[c] ?? 0)})`)].join(
        ' | ',
      ),
    );
  lines.push(['MEAN', ...rows.map((r) => `${pct(r.est.mean)} (${pct(r.chars4.mean)})`)].join(' | '));
  lines.push(['p90', ...rows.map((r) => `${pct(r.est.p90)} (${pct(r.chars4.p90)})`)].join(' | '));
  lines.push(
    ['worst class', ...rows.map((r) => `${pct(r.est.worstClass)} (${pct(r.chars4.worstClass)})`)].join(' | '),
  );
  lines.push(
    [
      'generic coeffs MEAN',
      ...rows.map((r) => `${pct(r.generic.mean)} / worst ${pct(r.generic.worstClass)}`),
    ].join(' | '),
  );
  return `per-sample mean |error| on held-out text: fitted estimate (chars/4)\n${lines.map((l) => `| ${l} |`).join('\n')}`;
}
