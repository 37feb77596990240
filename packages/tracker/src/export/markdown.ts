import type { ModelBreakdown, UsageReport, UsageTotals } from '../schema.js';
import { costLabel, shortCount } from './format.js';

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function row(label: string, t: UsageTotals): string {
  return `| ${cell(label)} | ${t.calls} | ${shortCount(t.inputTokens)} | ${shortCount(t.cachedInputTokens)} | ${shortCount(t.cacheWriteTokens)} | ${shortCount(t.outputTokens)} | ${shortCount(t.reasoningTokens)} | ${costLabel(t)} |`;
}

const HEAD =
  '| | Calls | Input | Cache read | Cache write | Output | Reasoning | Cost |\n|---|---:|---:|---:|---:|---:|---:|---:|';

function modelLabel(m: ModelBreakdown): string {
  return `${m.provider}/${m.model}`;
}

/**
 * A report as GitHub-flavoured Markdown: totals, per-model breakdown, then each group with its models.
 * @param report - a report from `TokenUsageTracker.report` or `buildReport`.
 * @param title - the top heading.
 */
export function toMarkdown(report: UsageReport, title = 'Token usage'): string {
  const out: string[] = [`# ${title}`, ''];
  const range = `${report.range.since ?? 'beginning'} → ${report.range.until ?? 'now'}`;
  out.push(
    `${report.sessions} session(s), ${report.totals.calls} call(s), ${range}, grouped by ${report.groupBy} (${report.timeZone}).`,
    '',
  );
  out.push('## By model', '', HEAD);
  for (const m of report.byModel) out.push(row(modelLabel(m), m));
  out.push(row('**Total**', report.totals), '');
  out.push(`## By ${report.groupBy}`, '', HEAD);
  for (const g of report.groups) {
    out.push(row(`**${g.key}**`, g.totals));
    for (const m of g.byModel) out.push(row(`  ${modelLabel(m)}`, m));
  }
  out.push('');
  const unpriced = report.byModel.filter((m) => m.unpricedReason);
  if (unpriced.length > 0 || report.warnings.length > 0) {
    out.push('## Notes', '');
    for (const m of unpriced) out.push(`- ${modelLabel(m)}: ${m.unpricedReason}`);
    for (const w of report.warnings) out.push(`- ${w}`);
    out.push('');
  }
  if (report.pricingVersions.length > 0) out.push(`Prices: ${report.pricingVersions.join(', ')}.`, '');
  return out.join('\n');
}
