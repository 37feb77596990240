import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Exposes gc() without a command-line flag, so heap deltas are measured after collection.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap growth (bytes) retained by what `fn` builds, measured after full GCs. */
export function heapDelta(fn: () => void): number {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  fn();
  gc();
  gc();
  return process.memoryUsage().heapUsed - before;
}

/** The q-quantile of a sample (sorts a copy). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Prints a titled table, numbers rounded for reading. */
export function table(title: string, rows: Record<string, unknown>[]): void {
  console.log(`\n${title}`);
  console.table(
    rows.map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? +v.toFixed(v >= 100 ? 0 : 2) : v]),
      ),
    ),
  );
}
