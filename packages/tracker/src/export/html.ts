import type { UsageReport, UsageTotals } from '../schema.js';
import { compact, escapeHtml, money } from './format.js';

const COLORS = { uncached: '#4e79a7', cached: '#a0cbe8', write: '#f28e2b', output: '#59a14f' };

/** Stacked bars (uncached / cache read / cache write / output) per group, as inline SVG. */
function groupChart(report: UsageReport): string {
  const groups = report.groups.slice(-60);
  if (groups.length === 0) return '';
  const w = 760;
  const h = 220;
  const pad = 40;
  const max = Math.max(1, ...groups.map((g) => g.totals.totalTokens));
  const step = (w - pad) / groups.length;
  const bw = Math.max(2, step * 0.7);
  const bars = groups
    .map((g, i) => {
      const t = g.totals;
      const parts: Array<[number, string]> = [
        [t.uncachedInputTokens, COLORS.uncached],
        [t.cachedInputTokens, COLORS.cached],
        [t.cacheWriteTokens, COLORS.write],
        [t.outputTokens, COLORS.output],
      ];
      let y = h - 20;
      const x = pad + i * step;
      const rects = parts
        .filter(([v]) => v > 0)
        .map(([v, color]) => {
          const bh = (v / max) * (h - 40);
          y -= bh;
          return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${bw.toFixed(1)}" height="${bh.toFixed(1)}" fill="${color}"/>`;
        })
        .join('');
      return `<g><title>${escapeHtml(g.key)}: ${t.totalTokens} tokens, ${escapeHtml(money(t.cost, t.costComplete))}</title>${rects}</g>`;
    })
    .join('');
  const labels =
    groups.length <= 16
      ? groups
          .map(
            (g, i) =>
              `<text x="${(pad + i * step + bw / 2).toFixed(1)}" y="${h - 5}" font-size="9" text-anchor="middle">${escapeHtml(g.key.slice(0, 12))}</text>`,
          )
          .join('')
      : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" role="img" aria-label="Tokens by ${report.groupBy}"><text x="2" y="14" font-size="10">${compact(max)}</text><line x1="${pad}" y1="${h - 20}" x2="${w}" y2="${h - 20}" stroke="#999"/>${bars}${labels}</svg>`;
}

/** Input and output tokens per turn as two polylines, inline SVG. */
function turnChart(report: UsageReport): string {
  const turns = report.turns;
  if (turns.length < 2) return '';
  const w = 760;
  const h = 200;
  const pad = 40;
  const max = Math.max(1, ...turns.map((t) => t.inputTokens));
  const x = (i: number) => pad + (i / (turns.length - 1)) * (w - pad - 5);
  const y = (v: number) => h - 15 - (v / max) * (h - 30);
  const line = (values: number[], color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" role="img" aria-label="Tokens per turn"><text x="2" y="14" font-size="10">${compact(max)}</text><line x1="${pad}" y1="${h - 15}" x2="${w}" y2="${h - 15}" stroke="#999"/>${line(
    turns.map((t) => t.inputTokens),
    COLORS.uncached,
  )}${line(
    turns.map((t) => t.cachedInputTokens),
    COLORS.cached,
  )}${line(
    turns.map((t) => t.outputTokens),
    COLORS.output,
  )}</svg>`;
}

function tr(label: string, t: UsageTotals): string {
  return `<tr><td>${escapeHtml(label)}</td><td>${t.calls}</td><td>${t.inputTokens}</td><td>${t.cachedInputTokens}</td><td>${t.cacheWriteTokens}</td><td>${t.outputTokens}</td><td>${t.reasoningTokens}</td><td>${escapeHtml(money(t.cost, t.costComplete))}</td></tr>`;
}

const HEAD =
  '<tr><th></th><th>Calls</th><th>Input</th><th>Cache read</th><th>Cache write</th><th>Output</th><th>Reasoning</th><th>Cost</th></tr>';

/**
 * A self-contained HTML page (inline CSS and SVG charts, nothing executable, no external resources, works
 * offline) with the report's JSON embedded for re-use.
 */
export function renderHtml(report: UsageReport, title = 'Token usage report'): string {
  const models = report.byModel.map((m) => tr(`${m.provider}/${m.model}`, m)).join('');
  const groups = report.groups
    .map((g) => tr(g.key, g.totals) + g.byModel.map((m) => tr(`  └ ${m.model}`, m)).join(''))
    .join('');
  const legend = Object.entries(COLORS)
    .map(([k, v]) => `<span><i style="background:${v}"></i>${k}</span>`)
    .join(' ');
  const json = JSON.stringify(report).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em auto;max-width:820px;color:#222}table{border-collapse:collapse;width:100%;margin:1em 0}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left;white-space:pre}svg{width:100%;height:auto;background:#fafafa}.legend i{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}.note{color:#666}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p>${report.sessions} session(s), ${report.totals.calls} call(s), ${escapeHtml(report.range.since ?? 'beginning')} → ${escapeHtml(report.range.until ?? 'now')}. Total ${escapeHtml(money(report.totals.cost, report.totals.costComplete))}.</p>
<h2>By ${escapeHtml(report.groupBy)}</h2>
<div class="legend">${legend}</div>
${groupChart(report)}
<h2>Tokens per turn</h2>
${turnChart(report)}
<h2>By model</h2>
<table>${HEAD}${models}${tr('Total', report.totals)}</table>
<h2>Groups</h2>
<table>${HEAD}${groups}</table>
${report.warnings.map((w) => `<p class="note">${escapeHtml(w)}</p>`).join('')}
<script type="application/json" id="usage-report">${json}</script>
</body></html>
`;
}
