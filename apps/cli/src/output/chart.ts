import type { Colors } from './color.js';
import { int } from './format.js';

/** One column's figures: the managed request and the unmanaged baseline. */
export interface ChartPoint {
  tokens: number;
  baseline: number;
}

/**
 * A per-turn context-size chart in plain text: `█` is the request sent,
 * `░` what the unmanaged baseline would have sent on top of it (`↑` where it
 * runs off the chart: the scale follows the requests sent, so the managed
 * context stays readable), `─` the input budget. Turns are bucketed (max per
 * bucket) to fit `width` columns.
 */
export function contextChart(
  points: readonly ChartPoint[],
  options: { budget: number; height?: number; width?: number; colors: Colors },
): string {
  if (points.length === 0) return '(no turns)';
  const height = options.height ?? 12;
  const width = Math.min(options.width ?? 72, points.length);
  const per = points.length / width;
  const columns: ChartPoint[] = [];
  for (let c = 0; c < width; c++) {
    const slice = points.slice(
      Math.floor(c * per),
      Math.max(Math.floor((c + 1) * per), Math.floor(c * per) + 1),
    );
    columns.push({
      tokens: Math.max(...slice.map((p) => p.tokens)),
      baseline: Math.max(...slice.map((p) => p.baseline)),
    });
  }
  const top = Math.max(options.budget * 1.25, ...columns.map((c) => c.tokens * 1.05));
  const rowOf = (v: number) => Math.min(height - 1, Math.floor((v / top) * height));
  const budgetRow = rowOf(options.budget);
  const c = options.colors;
  const label = (row: number) => {
    if (row === height - 1) return int(top);
    if (row === budgetRow) return int(options.budget);
    if (row === 0) return '0';
    return '';
  };
  const labelWidth = Math.max(...[height - 1, budgetRow, 0].map((r) => label(r).length));
  const lines: string[] = [];
  for (let row = height - 1; row >= 0; row--) {
    const floor = (row / height) * top;
    let line = '';
    for (const col of columns) {
      if (col.tokens > floor)
        line += col.tokens > options.budget && row >= budgetRow ? c.red('█') : c.cyan('█');
      else if (col.baseline > floor)
        line += row === height - 1 && col.baseline > top ? c.dim('↑') : c.dim('░');
      else line += row === budgetRow ? c.yellow('─') : ' ';
    }
    lines.push(`${label(row).padStart(labelWidth)} ┤${line}`);
  }
  const axis = `${' '.repeat(labelWidth)} └${'─'.repeat(width)}`;
  const last = `turn ${points.length}`;
  const turns = `${' '.repeat(labelWidth + 2)}${'turn 1'.padEnd(Math.max(7, width - last.length))}${last}`;
  return [...lines, axis, turns].join('\n');
}
