import type { ReportTurn, UsageReport, UsageTotals } from '../schema.js';
import { costLabel, escapeHtml, grouped, shortCount } from './format.js';

const SERIES = [
  { key: 'uncached', label: 'Input (uncached)', color: '#4e79a7' },
  { key: 'cached', label: 'Cache read', color: '#a0cbe8' },
  { key: 'write', label: 'Cache write', color: '#f28e2b' },
  { key: 'output', label: 'Output', color: '#59a14f' },
] as const;
const COLOR = Object.fromEntries(SERIES.map((s) => [s.key, s.color])) as Record<
  (typeof SERIES)[number]['key'],
  string
>;

const W = 760;
const PAD_LEFT = 56;

/** Horizontal grid lines with their values at 0, ¼, ½, ¾ and the maximum of a chart's y axis. */
function yAxis(max: number, top: number, bottom: number): string {
  return [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const y = bottom - f * (bottom - top);
      return `<line x1="${PAD_LEFT}" y1="${y.toFixed(1)}" x2="${W}" y2="${y.toFixed(1)}" stroke="${f === 0 ? '#999' : '#e4e4e4'}"/><text x="${PAD_LEFT - 4}" y="${(y + 3).toFixed(1)}" font-size="10" text-anchor="end">${shortCount(Math.round(max * f))}</text>`;
    })
    .join('');
}

/** Stacked bars (uncached / cache read / cache write / output) per group, as inline SVG. */
function groupChart(report: UsageReport): string {
  // Time views chart their latest 60 groups in time order; the others, their first 60 as sorted.
  const timeView = ['day', 'week', 'month', 'block', 'session'].includes(report.groupBy);
  const groups = timeView
    ? [...report.groups].sort((a, b) => Date.parse(a.start ?? '') - Date.parse(b.start ?? '')).slice(-60)
    : report.groups.slice(0, 60);
  if (groups.length === 0) return '';
  const h = 250;
  const top = 10;
  const bottom = h - 60;
  const max = Math.max(1, ...groups.map((g) => g.totals.totalTokens));
  const step = (W - PAD_LEFT) / groups.length;
  const bw = Math.max(2, step * 0.7);
  // Label every group when they fit, else every n-th (never none).
  const every = Math.max(1, Math.ceil(groups.length / 20));
  const bars = groups
    .map((g, i) => {
      const t = g.totals;
      const parts: Array<[number, string]> = [
        [t.uncachedInputTokens, COLOR.uncached],
        [t.cachedInputTokens, COLOR.cached],
        [t.cacheWriteTokens, COLOR.write],
        [t.outputTokens, COLOR.output],
      ];
      let y = bottom;
      const x = PAD_LEFT + i * step;
      const rects = parts
        .filter(([v]) => v > 0)
        .map(([v, color]) => {
          const bh = (v / max) * (bottom - top);
          y -= bh;
          return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${bw.toFixed(1)}" height="${bh.toFixed(1)}" fill="${color}"/>`;
        })
        .join('');
      const cx = x + bw / 2;
      const label =
        i % every === 0
          ? `<text x="${cx.toFixed(1)}" y="${bottom + 10}" font-size="9" text-anchor="end" transform="rotate(-40 ${cx.toFixed(1)} ${bottom + 10})">${escapeHtml(shortKey(g.key, report.groupBy))}</text>`
          : '';
      return `<g><title>${escapeHtml(g.key)}: ${grouped(t.totalTokens)} tokens (${grouped(t.inputTokens)} in, ${grouped(t.outputTokens)} out), ${escapeHtml(costLabel(t))}</title>${rects}${label}</g>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${h}" role="img" aria-label="Tokens by ${escapeHtml(report.groupBy)}">${yAxis(max, top, bottom)}<text x="4" y="${(top + bottom) / 2}" font-size="10" transform="rotate(-90 10 ${(top + bottom) / 2})" text-anchor="middle">tokens</text>${bars}</svg>`;
}

/** A group key short enough for an axis label: session ids and paths keep their telling end. */
function shortKey(key: string, groupBy: string): string {
  if (groupBy === 'block') return key.slice(5, 16).replace('T', ' ');
  if (key.length <= 14) return key;
  if (groupBy === 'session') return `${key.slice(0, 8)}…`;
  return `…${key.slice(-13)}`;
}

/**
 * Each session's turns kept together (sessions in order of their first turn, turns in time order), so
 * the chart shows one context growing per segment instead of interleaved sessions.
 */
function bySession(turns: readonly ReportTurn[]): ReportTurn[][] {
  const segments = new Map<string, ReportTurn[]>();
  for (const t of turns) {
    const list = segments.get(t.sessionId);
    if (list) list.push(t);
    else segments.set(t.sessionId, [t]);
  }
  return [...segments.values()];
}

/** Input, cache-read and output tokens per turn, one segment per session with boundaries, inline SVG. */
function turnChart(report: UsageReport): string {
  const segments = bySession(report.turns);
  const turns = segments.flat();
  if (turns.length < 2) return '';
  const h = 230;
  const top = 22;
  const bottom = h - 25;
  const max = Math.max(1, ...turns.map((t) => t.inputTokens));
  const x = (i: number) => PAD_LEFT + (i / (turns.length - 1)) * (W - PAD_LEFT - 5);
  const y = (v: number) => bottom - (v / max) * (bottom - top);
  const lines: string[] = [];
  const marks: string[] = [];
  let offset = 0;
  for (const [n, segment] of segments.entries()) {
    const from = offset;
    offset += segment.length;
    // A polyline per session, so no line joins the end of one session to the start of the next.
    const line = (values: number[], color: string) =>
      values.length === 1
        ? `<circle cx="${x(from).toFixed(1)}" cy="${y(values[0]!).toFixed(1)}" r="1.5" fill="${color}"/>`
        : `<polyline fill="none" stroke="${color}" stroke-width="1.3" points="${values.map((v, i) => `${x(from + i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`;
    lines.push(
      line(
        segment.map((t) => t.inputTokens),
        COLOR.uncached,
      ),
      line(
        segment.map((t) => t.cachedInputTokens),
        COLOR.cached,
      ),
      line(
        segment.map((t) => t.outputTokens),
        COLOR.output,
      ),
    );
    const x0 = n === 0 ? PAD_LEFT : (x(from - 1) + x(from)) / 2;
    const x1 = n === segments.length - 1 ? W - 5 : (x(offset - 1) + x(offset)) / 2;
    const id = segment[0]!.sessionId;
    if (n > 0)
      marks.push(
        `<line x1="${x0.toFixed(1)}" y1="${top - 8}" x2="${x0.toFixed(1)}" y2="${bottom}" stroke="#888" stroke-dasharray="3 3"/>`,
      );
    // Every session gets a hover title; a visible label only where its segment has room.
    marks.push(
      `<rect x="${x0.toFixed(1)}" y="${top - 10}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${bottom - top + 10}" fill="transparent"><title>session ${escapeHtml(id)}: ${segment.length} turn(s), ${escapeHtml(segment[0]!.timestamp.slice(0, 16).replace('T', ' '))} → ${escapeHtml(segment.at(-1)!.timestamp.slice(0, 16).replace('T', ' '))}</title></rect>`,
    );
    if (x1 - x0 > 60)
      marks.push(
        `<text x="${((x0 + x1) / 2).toFixed(1)}" y="${top - 10}" font-size="9" text-anchor="middle" fill="#555">${escapeHtml(id.slice(0, Math.floor((x1 - x0) / 6)))}</text>`,
      );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${h}" role="img" aria-label="Tokens per turn, by session">${yAxis(max, top, bottom)}${lines.join('')}${marks.join('')}<text x="${(PAD_LEFT + W) / 2}" y="${h - 8}" font-size="10" text-anchor="middle">turns, one segment per session (${grouped(segments.length)} session(s), ${grouped(turns.length)} turns)</text></svg>`;
}

function tr(label: string, t: UsageTotals, withReasoning: boolean, cls = '', detail = ''): string {
  const cells = [
    grouped(t.calls),
    grouped(t.inputTokens),
    grouped(t.cachedInputTokens),
    grouped(t.cacheWriteTokens),
    grouped(t.outputTokens),
    ...(withReasoning ? [grouped(t.reasoningTokens)] : []),
    grouped(t.totalTokens),
    costLabel(t),
  ];
  const first = `${escapeHtml(label)}${detail ? `<small>${escapeHtml(detail)}</small>` : ''}`;
  return `<tr${cls ? ` class="${cls}"` : ''}><td title="${escapeHtml(label)}">${first}</td>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
}

function head(first: string, withReasoning: boolean): string {
  return `<thead><tr><th>${escapeHtml(first)}</th><th>Calls</th><th>Input</th><th>Cache read</th><th>Cache write</th><th>Output</th>${withReasoning ? '<th>Reasoning</th>' : ''}<th>Total</th><th>Cost</th></tr></thead>`;
}

/** A second line under a group's key: a session's project and times, a block's state. */
function groupDetail(g: UsageReport['groups'][number], groupBy: string): string {
  const when = (a?: string, b?: string) =>
    a && b
      ? `${a.slice(0, 16).replace('T', ' ')} → ${a.slice(0, 10) === b.slice(0, 10) ? b.slice(11, 16) : b.slice(0, 16).replace('T', ' ')}`
      : '';
  if (groupBy === 'session') return [g.project, when(g.start, g.end)].filter(Boolean).join(' · ');
  if (groupBy === 'block' && g.block)
    return `${when(g.block.firstActivity, g.block.lastActivity)}${g.block.active ? ' · active' : ''}`;
  return '';
}

/**
 * A self-contained HTML page (inline CSS and SVG charts, nothing executable, no external resources, works
 * offline) with the report's JSON embedded for re-use. Numbers carry thousands separators; the per-turn
 * chart keeps each session's turns together with a marked boundary between sessions.
 * @param report - a report from `TokenUsageTracker.report` or `buildReport`.
 * @param title - the page title and top heading.
 */
export function renderHtml(report: UsageReport, title = 'Token usage report'): string {
  // Reasoning gets a column only when some call reported it (most logs do not split it out).
  const withReasoning = report.totals.reasoningTokens > 0;
  const models = report.byModel.map((m) => tr(`${m.provider}/${m.model}`, m, withReasoning)).join('');
  const groups = report.groups
    .map(
      (g) =>
        tr(
          report.groupBy === 'block' ? g.key.slice(0, 16).replace('T', ' ') : g.key,
          g.totals,
          withReasoning,
          'group',
          groupDetail(g, report.groupBy),
        ) +
        (g.byModel.length > 1
          ? g.byModel.map((m) => tr(`  └ ${m.model}`, m, withReasoning, 'model')).join('')
          : ''),
    )
    .join('');
  const legend = SERIES.map(
    (s) => `<span><i style="background:${s.color}"></i>${escapeHtml(s.label)}</span>`,
  ).join(' ');
  const json = JSON.stringify(report).replace(/</g, '\\u003c');
  const t = report.totals;
  const range = `${escapeHtml(report.range.since?.slice(0, 10) ?? 'the beginning')} → ${escapeHtml(report.range.until?.slice(0, 10) ?? 'now')}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em auto;max-width:980px;color:#222;padding:0 1em}table{border-collapse:collapse;width:100%;margin:1em 0;font-size:13px;font-variant-numeric:tabular-nums}td small{display:block;color:#777;font-size:11px}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}td:first-child,th:first-child{text-align:left;white-space:pre;overflow:hidden;text-overflow:ellipsis;max-width:19em}tr.model td{color:#666;font-size:12px}tr.total td{font-weight:600;border-top:2px solid #999}svg{width:100%;height:auto;background:#fafafa}.legend i{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}.note{color:#666}.kpi{display:flex;gap:2em;flex-wrap:wrap;margin:1em 0}.kpi b{display:block;font-size:20px}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p>${grouped(report.sessions)} session(s), ${grouped(t.calls)} call(s), ${range}${report.project ? `, project ${escapeHtml(report.project)}` : ''}. Total ${escapeHtml(costLabel(t))}.</p>
<div class="kpi"><div><b>${escapeHtml(grouped(t.inputTokens))}</b>input tokens</div><div><b>${escapeHtml(grouped(t.cachedInputTokens))}</b>cache read</div><div><b>${escapeHtml(grouped(t.cacheWriteTokens))}</b>cache write</div><div><b>${escapeHtml(grouped(t.outputTokens))}</b>output tokens</div><div><b>${escapeHtml(costLabel(t))}</b>cost (${escapeHtml(report.currency)})</div></div>
<h2>Tokens by ${escapeHtml(report.groupBy)}</h2>
<div class="legend">${legend}</div>
${groupChart(report)}
<h2>Tokens per turn</h2>
${turnChart(report)}
<h2>By model</h2>
<table>${head('Model', withReasoning)}<tbody>${models}${tr('Total', t, withReasoning, 'total')}</tbody></table>
<h2>By ${escapeHtml(report.groupBy)}</h2>
<table>${head(report.groupBy[0]!.toUpperCase() + report.groupBy.slice(1), withReasoning)}<tbody>${groups}${tr('Total', t, withReasoning, 'total')}</tbody></table>
${report.warnings.map((w) => `<p class="note">${escapeHtml(w)}</p>`).join('')}
<script type="application/json" id="usage-report">${json}</script>
</body></html>
`;
}
