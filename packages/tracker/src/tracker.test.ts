import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCtxkitError, type Message } from '@ctxkit/core';
import { loadTranscripts } from '@ctxkit/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupByValues, validateReport } from './schema.js';
import { JsonlUsageStore } from './store/jsonl.js';
import { MemoryUsageStore } from './store/memory.js';
import { TokenUsageTracker } from './tracker.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8'));
const count = (text: string) => Math.ceil(text.length / 4);

let clock = Date.UTC(2026, 2, 2, 10, 0, 0);
const now = () => {
  clock += 60_000;
  return new Date(clock);
};

function expectCode(fn: () => unknown, code: string) {
  try {
    fn();
  } catch (error) {
    expect(isCtxkitError(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    return;
  }
  throw new Error('expected a CtxkitError');
}

describe('TokenUsageTracker', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctxkit-tracker-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('records raw responses of every provider, prices them, and persists across tracker instances', async () => {
    const tracker = new TokenUsageTracker({ store: new JsonlUsageStore({ directory: dir }), now });
    const id = tracker.startSession({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5-20250929',
      contextWindow: 200_000,
    });
    const message = fixture('anthropic-message.json');
    const first = await tracker.record(message);
    expect(first.id).toBe(message.id);
    expect(first.usage.inputTokens).toBe(7 + 570 + 35089);
    expect(first.cost?.pricingVersion).toMatch(/^genai-prices@/);
    expect(first.cost!.amount).toBeGreaterThan(0);
    await tracker.record(fixture('anthropic-stream.json'));
    await tracker.record(fixture('openai-chat.json'), { shape: 'openai', provider: 'openai' });
    await tracker.record(fixture('openai-responses.json'), { shape: 'openai', provider: 'openai' });
    await tracker.record(fixture('gemini.json'), { shape: 'gemini', provider: 'google' });
    const ollama = await tracker.record(fixture('ollama-stream.json'), {
      shape: 'ollama',
      provider: 'ollama',
    });
    // A local runtime costs nothing per token: priced 0 and marked local, not unknown.
    expect(ollama.cost).toEqual({ amount: 0, currency: 'USD', pricingVersion: 'local' });
    expect(ollama.costReason).toBe('local');
    expect(ollama.latency?.totalMs).toBeCloseTo(174.560334, 6);
    await tracker.record(
      { usage: fixture('ai-sdk.json').v6 },
      { shape: 'ai-sdk', provider: 'anthropic', model: 'claude-haiku-4-5-20251001' },
    );

    const live = tracker.getCurrentUsage();
    expect(live.sessionId).toBe(id);
    expect(live.totals.calls).toBe(7);
    expect(live.totals.unpricedCalls).toBe(0);
    expect(live.totals.costComplete).toBe(true);
    expect(live.byModel.map((m) => m.model)).toContain('qwen3:8b');
    expect(live.contextUsed).toBeCloseTo(live.last!.usage.inputTokens / 200_000, 9);
    await tracker.close();

    const reopened = new TokenUsageTracker({ store: new JsonlUsageStore({ directory: dir }), now });
    const sessions = await reopened.sessions();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.totals.inputTokens).toBe(live.totals.inputTokens);
    expect(sessions[0]!.totals.cost).toBeCloseTo(live.totals.cost!, 9);
    const report = await reopened.report({ groupBy: 'model' });
    expect(report.totals.inputTokens).toBe(live.totals.inputTokens);
    expect(validateReport(report)).toEqual([]);
    await reopened.close();
  });

  it('stores summary calls and compactions; --by tool shows summaries as (summary)', async () => {
    const tracker = new TokenUsageTracker({ store: new JsonlUsageStore({ directory: dir }), now });
    tracker.startSession({ provider: 'local', model: 'qwen2.5-coder:7b' });
    const usage = (inputTokens: number) => ({ inputTokens, outputTokens: 40, totalTokens: inputTokens + 40 });
    await tracker.record(usage(7606), { shape: 'ai-sdk', tools: { read_file: 1 } });
    const summary = await tracker.record(usage(1165), { shape: 'ai-sdk', purpose: 'summary' });
    const compacted = await tracker.record(usage(5327), {
      shape: 'ai-sdk',
      tools: { read_file: 1 },
      compaction: { before: 8905, after: 5255, summarizer: 'qwen2.5-coder:7b' },
    });
    expect(summary.purpose).toBe('summary');
    expect(compacted.compaction).toEqual({ before: 8905, after: 5255, summarizer: 'qwen2.5-coder:7b' });
    expect(() =>
      tracker.record(usage(1), { shape: 'ai-sdk', compaction: { before: -1, after: 0, summarizer: 'x' } }),
    ).toThrow(/compaction\.before/);
    await tracker.close();
    const reopened = new TokenUsageTracker({ store: new JsonlUsageStore({ directory: dir }), now });
    const events = (await reopened.sessions())[0]!;
    expect(events.totals.calls).toBe(3);
    expect(events.compactions).toBe(1);
    expect(events.summaryCalls).toBe(1);
    const report = await reopened.report({ groupBy: 'tool' });
    expect(new Map(report.groups.map((g) => [g.key, g.totals.calls]))).toEqual(
      new Map([
        ['read_file', 2],
        ['(summary)', 1],
      ]),
    );
    expect(report.groups.find((g) => g.key === '(summary)')?.totals.inputTokens).toBe(1165);
    expect(validateReport(report)).toEqual([]);
    await reopened.close();
  });

  it('de-duplicates a response recorded twice (streamed and final) and warns', async () => {
    const store = new MemoryUsageStore();
    const tracker = new TokenUsageTracker({ store, now });
    tracker.startSession({ provider: 'anthropic', model: 'claude-opus-4-6' });
    await tracker.record(fixture('anthropic-stream.json'));
    await tracker.record(fixture('anthropic-stream.json'));
    expect(tracker.getCurrentUsage().totals.calls).toBe(1);
    expect(tracker.getCurrentUsage().warnings.map((w) => w.code)).toEqual(['DUPLICATE']);
    expect((await store.read()).events).toHaveLength(1);
  });

  it('bad input is a typed error and never reaches the store', async () => {
    const store = new MemoryUsageStore();
    const tracker = new TokenUsageTracker({ store, now });
    tracker.startSession({ provider: 'openai', model: 'gpt-4o' });
    expectCode(() => tracker.record({ usage: { inputTokens: -1, outputTokens: 3 } }), 'INVALID_ARGUMENT');
    expectCode(
      () => tracker.record({ usage: { inputTokens: Number.NaN, outputTokens: 3 } }),
      'INVALID_ARGUMENT',
    );
    expectCode(
      () => tracker.record({ usage: { prompt_tokens: 5, completion_tokens: -2 } }),
      'INVALID_ARGUMENT',
    );
    expectCode(() => tracker.record({ something: 'else' }), 'INVALID_ARGUMENT');
    expectCode(() => tracker.record(undefined), 'INVALID_ARGUMENT');
    expectCode(
      () => tracker.record({ usage: { inputTokens: 1, outputTokens: 1 }, timestamp: 'yesterday' }),
      'INVALID_ARGUMENT',
    );
    expectCode(() => tracker.trackToolUsage('bash', -5), 'INVALID_ARGUMENT');
    expectCode(() => tracker.startSession({} as never), 'INVALID_ARGUMENT');
    expect((await store.read()).events).toEqual([]);
    // Missing fields are recorded with a warning rather than refused.
    const e = await tracker.record({ usage: { prompt_tokens: 12 } });
    expect(e.usage.outputTokens).toBe(0);
    expect(tracker.getCurrentUsage().warnings.map((w) => w.code)).toContain('INVALID_USAGE');
  });

  it('original-request aliases: trackMessageTokens, trackToolUsage, getSessionHistory, generateReport', async () => {
    const store = new MemoryUsageStore();
    const tracker = new TokenUsageTracker({ store, count, now });
    tracker.startSession({ provider: 'openai', model: 'gpt-4o' });
    const transcript = loadTranscripts().find((t) => t.messages.some((m: Message) => m.role === 'tool'))!;
    const breakdown = tracker.trackMessageTokens(transcript.messages, {
      tools: [{ name: 'bash', description: 'Run a command', parameters: { type: 'object' } }],
    });
    expect(breakdown.toolResults).toBeGreaterThan(0);
    expect(breakdown.toolDefinitions).toBeGreaterThan(0);
    tracker.trackToolUsage('bash', 120);
    tracker.trackToolUsage('bash', 30);
    tracker.trackToolUsage('read_file', 400);
    expect(tracker.getCurrentUsage().totals.toolCalls).toBe(3);
    const call = await tracker.record(fixture('openai-chat.json'), { model: 'gpt-4o' });
    expect(call.breakdown).toEqual(breakdown);
    expect(call.tools).toEqual({
      bash: { count: 2, resultTokens: 150 },
      read_file: { count: 1, resultTokens: 400 },
    });
    tracker.trackToolUsage('grep', 10);
    await tracker.endSession(); // leftover tool activity is stored as a tool record, not lost
    const history = await tracker.getSessionHistory();
    expect(history).toEqual(await tracker.sessions());
    expect(history[0]!.totals.toolCalls).toBe(4);
    expect(history[0]!.totals.calls).toBe(1);
    const a = await tracker.generateReport({ groupBy: 'tool', now: new Date(0) });
    const b = await tracker.report({ groupBy: 'tool', now: new Date(0) });
    expect(a).toEqual(b);
    expect(a.groups.map((g) => g.key).sort()).toEqual(['bash', 'grep', 'read_file']);
    expect(a.groups.find((g) => g.key === 'bash')!.totals.toolResultTokens).toBe(150);

    const estimating = new TokenUsageTracker({ store: new MemoryUsageStore(), count, now });
    estimating.startSession({ provider: 'ollama', model: 'llama3.2' });
    estimating.trackMessageTokens(transcript.messages, { record: true, outputTokens: 20 });
    await estimating.store.flush();
    expect(estimating.getCurrentUsage().totals.estimatedCalls).toBe(1);
    expectCode(
      () => new TokenUsageTracker({ store: new MemoryUsageStore() }).trackMessageTokens([]),
      'INVALID_ARGUMENT',
    );
  });

  it('sessions(query) filters by time, model and provider; report() takes every groupBy with one schema', async () => {
    const store = new MemoryUsageStore();
    const tracker = new TokenUsageTracker({ store, now });
    const days = ['2026-01-05T10:00:00Z', '2026-01-06T23:30:00Z', '2026-02-10T08:00:00Z'];
    for (const [i, day] of days.entries()) {
      tracker.startSession({
        provider: i === 2 ? 'openai' : 'anthropic',
        model: i === 2 ? 'gpt-4o' : 'claude-opus-4-6',
        sessionId: `s${i}`,
      });
      for (let k = 0; k < 3; k++) {
        await tracker.record({
          usage: { inputTokens: 1000 * (i + 1), cachedInputTokens: 500, outputTokens: 100 },
          timestamp: new Date(Date.parse(day) + k * 1000),
        });
      }
      await tracker.endSession();
    }
    expect((await tracker.sessions({ since: '2026-02-01' })).map((s) => s.sessionId)).toEqual(['s2']);
    expect((await tracker.sessions({ provider: 'anthropic' })).map((s) => s.sessionId)).toEqual(['s1', 's0']);
    expect((await tracker.sessions({ model: 'gpt-4o', limit: 5 })).length).toBe(1);
    expect((await tracker.sessions({ limit: 1 }))[0]!.sessionId).toBe('s2');
    for (const groupBy of groupByValues) {
      const report = await tracker.report({ groupBy, since: '2026-01-01', until: '2026-12-31' });
      expect(validateReport(report)).toEqual([]);
      expect(report.byModel.length).toBe(2);
      for (const g of report.groups) expect(g.byModel.length).toBeGreaterThan(0);
      if (groupBy !== 'tool') {
        expect(report.groups.reduce((s, g) => s + g.totals.inputTokens, 0)).toBe(report.totals.inputTokens);
      }
    }
    expect((await tracker.report({ groupBy: 'day' })).groups.map((g) => g.key)).toEqual([
      '2026-01-05',
      '2026-01-06',
      '2026-02-10',
    ]);
    expect(
      (await tracker.report({ groupBy: 'day', timeZone: 'Asia/Tokyo' })).groups.map((g) => g.key),
    ).toEqual(['2026-01-05', '2026-01-07', '2026-02-10']);
    expect((await tracker.report({ groupBy: 'week' })).groups.map((g) => g.key)).toEqual([
      '2026-01-05',
      '2026-02-09',
    ]);
    expect((await tracker.report({ groupBy: 'month' })).groups.map((g) => g.key)).toEqual([
      '2026-01',
      '2026-02',
    ]);
    expect((await tracker.report({ since: '2026-01-06', until: '2026-01-07' })).totals.calls).toBe(3);
    await expect(tracker.report({ groupBy: 'year' as never })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('TokenUsageTracker with a failing store', () => {
  it('a failed flush rejects the awaited record(), is kept as a warning, and never goes unhandled', async () => {
    // A real store whose directory cannot be created (its parent is a file).
    const parent = mkdtempSync(join(tmpdir(), 'ctxkit-failing-'));
    writeFileSync(join(parent, 'file'), 'x');
    const failing = new JsonlUsageStore({
      directory: join(parent, 'file', 'usage'),
      flushOnExit: false,
      flushIntervalMs: 1,
    });
    const tracker = new TokenUsageTracker({ store: failing, now });
    tracker.startSession({ provider: 'openai', model: 'gpt-4o' });
    await expect(tracker.record({ usage: { inputTokens: 1, outputTokens: 1 } })).rejects.toMatchObject({
      code: 'IO_ERROR',
    });
    void tracker.record({ usage: { inputTokens: 2, outputTokens: 1 } }); // not awaited
    await new Promise((r) => setTimeout(r, 20));
    expect(
      tracker.getCurrentUsage().warnings.filter((w) => w.code === 'FLUSH_FAILED').length,
    ).toBeGreaterThanOrEqual(2);
    // Once the cause is gone, new records are stored; the rejected ones never appear (their callers
    // were told they were not stored).
    rmSync(join(parent, 'file'));
    await tracker.record({ usage: { inputTokens: 3, outputTokens: 1 } });
    await failing.close();
    const reader = new JsonlUsageStore({ directory: join(parent, 'file', 'usage'), flushOnExit: false });
    expect((await reader.read()).events.map((e) => e.usage.inputTokens)).toEqual([3]);
    rmSync(parent, { recursive: true, force: true });
  });
});
