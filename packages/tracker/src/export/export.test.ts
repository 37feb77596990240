import { describe, expect, it } from 'vitest';
import { buildReport } from '../report.js';
import type { UsageEvent } from '../types.js';
import { toCsv } from './csv.js';
import { renderHtml } from './html.js';
import { toLangfuseCostDetails, toLangfuseUsageDetails, toOpenTelemetryAttributes } from './interop.js';
import { toMarkdown } from './markdown.js';
import { bar, downsample, renderTerminal } from './terminal.js';

const events: UsageEvent[] = Array.from({ length: 30 }, (_, i) => ({
  id: `e${i}`,
  sessionId: i < 20 ? 's1' : 's2',
  timestamp: new Date(Date.UTC(2026, 0, 1 + Math.floor(i / 10), 9, i)).toISOString(),
  provider: i % 3 === 0 ? 'ollama' : 'anthropic',
  model: i % 3 === 0 ? 'qwen3:8b, "local"' : 'claude-sonnet-4-5',
  usage: {
    inputTokens: 20_000 + i * 1500,
    cachedInputTokens: i % 3 === 0 ? 0 : 18_000,
    cacheWriteTokens: i % 3 === 0 ? 0 : 500,
    outputTokens: 300 + i,
    reasoningTokens: i % 3 === 0 ? 0 : 100,
  },
  source: 'provider',
  tools: i % 2 ? { bash: { count: 1, resultTokens: 200 } } : undefined,
  cost:
    i % 3 === 0 ? null : { amount: 0.01 + i / 1000, currency: 'USD', pricingVersion: 'genai-prices@0.1.8' },
  costReason: i % 3 === 0 ? 'unknown model: ollama/qwen3:8b' : 'priced',
}));
const report = buildReport(events, { groupBy: 'day', now: new Date(0) });

/** Minimal RFC 4180 parser, enough to prove the quoting round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  return rows;
}

describe('exporters', () => {
  it('CSV: one row per group and model plus a total per group; quoting round-trips; unknown cost is empty', () => {
    const rows = parseCsv(toCsv(report));
    const header = rows[0]!;
    expect(header).toContain('cached_input_tokens');
    const body = rows.slice(1);
    expect(body.length).toBe(report.groups.reduce((s, g) => s + g.byModel.length + 1, 0));
    const local = body.find((r) => r[2] === 'qwen3:8b, "local"')!;
    expect(local).toBeDefined();
    expect(local[header.indexOf('cost_usd')]).toBe('');
    const totals = body.filter((r) => r[2] === 'TOTAL');
    const sumInput = totals.reduce((s, r) => s + Number(r[header.indexOf('input_tokens')]), 0);
    expect(sumInput).toBe(report.totals.inputTokens);
  });

  it('Markdown: per-model table, each group with its models, unpriced notes', () => {
    const md = toMarkdown(report);
    expect(md).toContain('## By model');
    for (const g of report.groups) expect(md).toContain(`**${g.key}**`);
    expect(md).toContain('qwen3:8b, "local"');
    expect(md).toContain('unknown model');
    expect(
      md
        .split('\n')
        .filter((l) => l.startsWith('|'))
        .every((l) => l.trim().endsWith('|')),
    ).toBe(true);
  });

  it('OpenTelemetry GenAI attributes: totals include the cache and reasoning parts', () => {
    const a = toOpenTelemetryAttributes(events[1]!);
    expect(a['gen_ai.usage.input_tokens']).toBe(events[1]!.usage.inputTokens);
    expect(a['gen_ai.usage.cache_read.input_tokens']).toBe(18_000);
    expect(a['gen_ai.usage.cache_creation.input_tokens']).toBe(500);
    expect(a['gen_ai.usage.output_tokens']).toBe(events[1]!.usage.outputTokens);
    expect(a['gen_ai.usage.reasoning.output_tokens']).toBe(100);
    expect(a['gen_ai.provider.name']).toBe('anthropic');
    expect(toOpenTelemetryAttributes(events[0]!)['gen_ai.usage.cache_read.input_tokens']).toBeUndefined();
  });

  it('Langfuse usage_details: non-overlapping buckets that add up to total', () => {
    for (const e of events) {
      const d = toLangfuseUsageDetails(e);
      const { total, ...buckets } = d;
      expect(Object.values(buckets).reduce((s, v) => s + v, 0)).toBe(total);
      expect(Object.values(buckets).every((v) => v >= 0)).toBe(true);
      expect(total).toBe(e.usage.inputTokens + e.usage.outputTokens);
    }
    expect(toLangfuseCostDetails(events[0]!)).toBeUndefined();
    expect(toLangfuseCostDetails(events[1]!)).toEqual({ total: events[1]!.cost!.amount });
  });

  it('terminal: bars scaled to the largest row and a tokens-per-turn chart', () => {
    expect(bar(50, 100, 10)).toBe('█████');
    expect(bar(0, 100, 10)).toBe('');
    expect(downsample([1, 9, 2, 3, 8, 1], 3)).toEqual([9, 3, 8]);
    const text = renderTerminal(report, { width: 80 });
    expect(text).toContain('By model');
    expect(text).toContain('Input tokens per turn (30 turns)');
    expect(text).toMatch(/[╭╮╰╯─│┤┼]/);
    expect(text).not.toContain('\x1b[');
    expect(renderTerminal(report, { color: true })).toContain('\x1b[');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('HTML: self-contained (no external resources, nothing executable), inline SVG, embedded report', () => {
    const html = renderHtml(report);
    expect(html.match(/<svg /g)?.length).toBe(2);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/<script(?![^>]*application\/json)/);
    expect(html).not.toMatch(/@import|url\(/);
    const json = /<script type="application\/json" id="usage-report">(.*)<\/script>/s.exec(html)![1]!;
    expect(JSON.parse(json)).toEqual(report);
    expect(renderHtml(buildReport([], { now: new Date(0) }))).toContain('0 call(s)');
  });

  it('HTML for many sessions: thousands separators, axis labels, one boundary between each two sessions', () => {
    const many: UsageEvent[] = [];
    for (let s = 0; s < 12; s++)
      for (let i = 0; i < 6; i++)
        many.push({
          ...events[1]!,
          id: `m${s}-${i}`,
          sessionId: `session-${s}`,
          // Sessions overlap in time: the chart must still keep each one's turns together.
          timestamp: new Date(Date.UTC(2026, 0, 1, 9, s * 3 + i * 2)).toISOString(),
          usage: { ...events[1]!.usage, inputTokens: 123_456 + i },
        });
    const html = renderHtml(buildReport(many, { groupBy: 'session', now: new Date(0) }));
    // Session totals are 6 × 123,456 + 15 = 740,751 input tokens.
    expect(html).toContain('<td>740,751</td>');
    expect(html).not.toMatch(/<td>\d{4,}<\/td>/);
    expect(html.match(/stroke-dasharray/g)?.length).toBe(11);
    expect(html).toContain('turns, one segment per session (12 session(s), 72 turns)');
    expect(html).toContain('Cache write');
    const local = renderHtml(
      buildReport([
        {
          ...events[1]!,
          provider: 'ollama',
          cost: { amount: 0, currency: 'USD', pricingVersion: 'local' },
          costReason: 'local',
        },
      ]),
    );
    expect(local).toContain('<td>local</td>');
  });
});
