import type { UsageReport } from '../schema.js';

const COLUMNS = [
  'group',
  'provider',
  'model',
  'calls',
  'estimated_calls',
  'input_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  'uncached_input_tokens',
  'output_tokens',
  'reasoning_tokens',
  'total_tokens',
  'tool_calls',
  'tool_result_tokens',
  'cost_usd',
  'cost_complete',
] as const;

/** RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. */
function field(value: string | number | boolean | null): string {
  if (value === null) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A report as CSV: one row per (group, model) — the per-model breakdown is always there — plus a
 * `TOTAL` row per group with empty provider/model. Unknown cost is an empty cell, never 0.
 * @param report - a report from `TokenUsageTracker.report` or `buildReport`.
 */
export function toCsv(report: UsageReport): string {
  const rows: string[] = [COLUMNS.join(',')];
  for (const group of report.groups) {
    const line = (provider: string, model: string, t: UsageReport['totals']) =>
      [
        group.key,
        provider,
        model,
        t.calls,
        t.estimatedCalls,
        t.inputTokens,
        t.cachedInputTokens,
        t.cacheWriteTokens,
        t.uncachedInputTokens,
        t.outputTokens,
        t.reasoningTokens,
        t.totalTokens,
        t.toolCalls,
        t.toolResultTokens,
        t.cost,
        t.costComplete,
      ]
        .map(field)
        .join(',');
    for (const m of group.byModel) rows.push(line(m.provider, m.model, m));
    rows.push(line('', 'TOTAL', group.totals));
  }
  return `${rows.join('\r\n')}\r\n`;
}
