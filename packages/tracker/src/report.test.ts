import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildReport } from './report.js';
import { groupByValues, usageReportJsonSchema, validateReport } from './schema.js';
import type { UsageEvent } from './types.js';

const arbEvent = fc
  .record({
    n: fc.nat(),
    session: fc.constantFrom('a', 'b', 'c'),
    model: fc.constantFrom('gpt-4o', 'claude-opus-4-6', 'local'),
    t: fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2026, 11, 31) }),
    input: fc.nat({ max: 300_000 }),
    cachedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    output: fc.nat({ max: 20_000 }),
    cost: fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: null }),
    tools: fc.dictionary(
      fc.constantFrom('bash', 'read', 'edit'),
      fc.record({ count: fc.nat({ max: 5 }), resultTokens: fc.nat({ max: 9000 }) }),
    ),
    kind: fc.constantFrom('call', 'call', 'call', 'tool'),
  })
  .map(
    (r, i = 0): UsageEvent => ({
      id: `${r.session}-${r.n}-${r.t}-${i}`,
      sessionId: r.session,
      timestamp: new Date(r.t).toISOString(),
      provider: r.model === 'gpt-4o' ? 'openai' : r.model === 'local' ? 'ollama' : 'anthropic',
      model: r.model,
      usage: {
        inputTokens: r.input,
        cachedInputTokens: Math.floor(r.input * r.cachedShare),
        cacheWriteTokens: 0,
        outputTokens: r.output,
        reasoningTokens: 0,
      },
      source: 'provider',
      ...(r.kind === 'tool' ? { kind: 'tool' as const } : {}),
      tools: r.tools,
      cost: r.cost === null ? null : { amount: r.cost, currency: 'USD', pricingVersion: 'test' },
      ...(r.cost === null ? { costReason: 'unknown model' } : {}),
    }),
  );

describe('buildReport (property)', () => {
  it('every groupBy: valid against the one schema; per-model and per-group sums equal the totals', () => {
    fc.assert(
      fc.property(
        fc.array(arbEvent, { maxLength: 40 }),
        fc.constantFrom(...groupByValues),
        (events, groupBy) => {
          const unique = [...new Map(events.map((e) => [e.id, e])).values()];
          const report = buildReport(unique, { groupBy, now: new Date(0) });
          expect(validateReport(report)).toEqual([]);
          const sum = (rows: Array<{ inputTokens: number }>) => rows.reduce((s, r) => s + r.inputTokens, 0);
          expect(sum(report.byModel)).toBe(report.totals.inputTokens);
          const calls = unique.filter((e) => e.kind !== 'tool');
          expect(report.totals.calls).toBe(calls.length);
          expect(report.totals.inputTokens).toBe(calls.reduce((s, e) => s + e.usage.inputTokens, 0));
          expect(report.turns.length).toBe(calls.length);
          if (groupBy !== 'tool') {
            expect(sum(report.groups.map((g) => g.totals))).toBe(report.totals.inputTokens);
            for (const g of report.groups) expect(sum(g.byModel)).toBe(g.totals.inputTokens);
          }
          const unpriced = calls.filter((e) => !e.cost).length;
          expect(report.totals.unpricedCalls).toBe(unpriced);
          if (calls.length > 0 && unpriced === calls.length) expect(report.totals.cost).toBeNull();
          if (unpriced < calls.length) {
            const priced = calls.reduce((s, e) => s + (e.cost?.amount ?? 0), 0);
            expect(report.totals.cost).toBeCloseTo(priced, 6);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('exports the report schema as JSON Schema with the per-model breakdown required', () => {
    const schema = usageReportJsonSchema() as { required: string[]; properties: Record<string, unknown> };
    expect(schema.required).toEqual(expect.arrayContaining(['byModel', 'groups', 'totals', 'schema']));
    expect(Object.keys(schema.properties)).toContain('turns');
    expect(validateReport({ schema: 'something else' }).length).toBeGreaterThan(0);
  });
});
