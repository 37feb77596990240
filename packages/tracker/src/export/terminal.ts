import * as asciichart from 'asciichart';
import type { UsageReport } from '../schema.js';
import { costLabel, shortCount } from './format.js';

/** Options of {@link renderTerminal}. */
export interface TerminalOptions {
  /**
   * Total width in columns (at least 40).
   * @default 80
   */
  width?: number;
  /**
   * Height of the tokens-per-turn chart in rows.
   * @default 8
   */
  chartHeight?: number;
  /**
   * ANSI colours; off by default so output is plain text for logs and tests.
   * @default false
   */
  color?: boolean;
}

const ANSI = { dim: '\x1b[2m', cyan: '\x1b[36m', yellow: '\x1b[33m', green: '\x1b[32m', reset: '\x1b[0m' };

/** A horizontal bar of `value / max` over `width` cells, with eighth-block precision. */
export function bar(value: number, max: number, width: number): string {
  if (max <= 0 || value <= 0) return '';
  const eighths = Math.max(1, Math.round((value / max) * width * 8));
  const full = Math.floor(eighths / 8);
  const rest = eighths % 8;
  return '█'.repeat(full) + (rest > 0 ? ' ▏▎▍▌▋▊▉'[rest] : '');
}

/** Downsamples a series to at most `width` points, keeping each bucket's maximum (peaks stay visible). */
export function downsample(series: readonly number[], width: number): number[] {
  if (series.length <= width) return [...series];
  const out: number[] = [];
  for (let i = 0; i < width; i++) {
    const from = Math.floor((i * series.length) / width);
    const to = Math.floor(((i + 1) * series.length) / width);
    out.push(Math.max(...series.slice(from, Math.max(to, from + 1))));
  }
  return out;
}

/**
 * A report for the terminal: per-model bars (share of tokens), per-group bars, and a tokens-per-turn
 * line chart of the prompt size (input tokens per call) drawn with asciichart.
 * @param report - a report from `TokenUsageTracker.report` or `buildReport`.
 * @param options - width, chart height and colours; see {@link TerminalOptions}.
 * @returns the report as lines of text, ready to print.
 */
export function renderTerminal(report: UsageReport, options: TerminalOptions = {}): string {
  const width = Math.max(40, options.width ?? 80);
  const c = options.color ? ANSI : { dim: '', cyan: '', yellow: '', green: '', reset: '' };
  const out: string[] = [];
  const t = report.totals;
  out.push(
    `${c.cyan}Token usage${c.reset}  ${report.sessions} session(s) · ${t.calls} call(s) · ${shortCount(t.inputTokens)} in (${shortCount(t.cachedInputTokens)} cached) · ${shortCount(t.outputTokens)} out · ${costLabel(t)}`,
  );
  const labelWidth = Math.min(28, Math.max(8, ...report.byModel.map((m) => m.model.length)));
  const barWidth = Math.max(10, width - labelWidth - 24);
  const section = (title: string, rows: Array<{ label: string; tokens: number; cost: string }>) => {
    if (rows.length === 0) return;
    out.push('', `${c.dim}${title}${c.reset}`);
    const max = Math.max(...rows.map((r) => r.tokens));
    for (const r of rows) {
      const label =
        r.label.length > labelWidth ? `${r.label.slice(0, labelWidth - 1)}…` : r.label.padEnd(labelWidth);
      out.push(
        `${label} ${c.green}${bar(r.tokens, max, barWidth).padEnd(barWidth)}${c.reset} ${shortCount(r.tokens).padStart(7)} ${r.cost.padStart(10)}`,
      );
    }
  };
  section(
    'By model',
    report.byModel.map((m) => ({
      label: m.model,
      tokens: m.totalTokens,
      cost: costLabel(m),
    })),
  );
  section(
    `By ${report.groupBy}`,
    report.groups.map((g) => ({
      label: g.key,
      tokens: g.totals.totalTokens,
      cost: costLabel(g.totals),
    })),
  );
  const series = report.turns.map((turn) => turn.inputTokens);
  if (series.length >= 2) {
    const chartWidth = width - 12;
    const points = downsample(series, chartWidth);
    out.push(
      '',
      `${c.dim}Input tokens per turn (${series.length} turns${points.length < series.length ? `, max per ${Math.ceil(series.length / chartWidth)}` : ''})${c.reset}`,
    );
    out.push(
      asciichart.plot(points, {
        height: options.chartHeight ?? 8,
        format: (x: number) => shortCount(Math.round(x)).padStart(8),
        ...(options.color ? { colors: [asciichart.yellow] } : {}),
      }),
    );
  }
  for (const m of report.byModel)
    if (m.unpricedReason) out.push(`${c.dim}note: ${m.model}: ${m.unpricedReason}${c.reset}`);
  return `${out.join('\n')}\n`;
}
