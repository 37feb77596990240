// Lawson–Hanson non-negative least squares on the normal equations: the problems
// here have ≤ 40 unknowns and thousands of rows, so AᵀA is tiny and well worth it.

/** Solves a small symmetric positive (semi)definite system by Gaussian elimination with pivoting. */
function solve(m: number[][], b: number[]): number[] {
  const n = b.length;
  const a = m.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const piv = a[c]![c]!;
    if (Math.abs(piv) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / piv;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return a.map((row, i) => (Math.abs(row[i]!) < 1e-12 ? 0 : row[n]! / row[i]!));
}

/**
 * min ‖A x − b‖² subject to x ≥ 0, given AᵀA and Aᵀb.
 * `ridge` adds a small diagonal term for stability (relative to the diagonal's mean).
 */
export function nnlsNormal(ata: number[][], atb: number[], ridge = 1e-9): number[] {
  const n = atb.length;
  const mean = ata.reduce((s, r, i) => s + (r[i] as number), 0) / n || 1;
  const g = ata.map((r, i) => r.map((v, j) => (i === j ? v + ridge * mean : v)));
  const x = new Array<number>(n).fill(0);
  const passive = new Array<boolean>(n).fill(false);
  const grad = () => atb.map((v, i) => v - g[i]!.reduce((s, gij, j) => s + gij * x[j]!, 0));
  const subSolve = (): number[] => {
    const idx = passive.flatMap((p, i) => (p ? [i] : []));
    const sol = solve(
      idx.map((i) => idx.map((j) => g[i]![j]!)),
      idx.map((i) => atb[i]!),
    );
    const s = new Array<number>(n).fill(0);
    idx.forEach((i, k) => {
      s[i] = sol[k]!;
    });
    return s;
  };
  for (let iter = 0; iter < 10 * n; iter++) {
    const w = grad();
    let j = -1;
    let best = 1e-12 * (Math.max(...atb.map(Math.abs)) || 1);
    for (let i = 0; i < n; i++)
      if (!passive[i] && w[i]! > best) {
        best = w[i]!;
        j = i;
      }
    if (j < 0) break;
    passive[j] = true;
    for (let inner = 0; inner < 10 * n; inner++) {
      const s = subSolve();
      let alpha = Number.POSITIVE_INFINITY;
      for (let i = 0; i < n; i++)
        if (passive[i] && s[i]! <= 0) alpha = Math.min(alpha, x[i]! / (x[i]! - s[i]!));
      if (alpha === Number.POSITIVE_INFINITY) {
        for (let i = 0; i < n; i++) x[i] = s[i]!;
        break;
      }
      for (let i = 0; i < n; i++) {
        x[i] = x[i]! + alpha * (s[i]! - x[i]!);
        if (passive[i] && x[i]! <= 1e-12) {
          passive[i] = false;
          x[i] = 0;
        }
      }
    }
  }
  return x;
}

/** NNLS from rows: minimises Σ wᵢ² (aᵢ·x − bᵢ)². */
export function nnls(rows: ArrayLike<number>[], b: number[], weights?: number[]): number[] {
  const n = rows[0]?.length ?? 0;
  const ata = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const atb = new Array<number>(n).fill(0);
  rows.forEach((row, r) => {
    const w2 = (weights?.[r] ?? 1) ** 2;
    for (let i = 0; i < n; i++) {
      const ri = row[i] as number;
      if (ri === 0) continue;
      atb[i]! += w2 * ri * b[r]!;
      for (let j = 0; j < n; j++) ata[i]![j]! += w2 * ri * (row[j] as number);
    }
  });
  return nnlsNormal(ata, atb);
}
