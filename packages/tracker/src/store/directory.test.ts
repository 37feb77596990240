import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCtxkitError } from '@ctxkit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenUsageTracker } from '../tracker.js';
import type { UsageEvent } from '../types.js';
import { JsonlUsageStore } from './jsonl.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ctxkit-usage-dir-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const event = (i: number, sessionId = 's1'): UsageEvent => ({
  id: `e${i}`,
  sessionId,
  timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  provider: 'openai',
  model: 'gpt-4o',
  usage: { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 },
  source: 'provider',
  cost: null,
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isCtxkitError(error) ? error.code : 'untyped';
  }
  return undefined;
}

describe('JsonlUsageStore directory contents', () => {
  it('a directory named x.jsonl and a file named 100%.jsonl are skipped with a warning, not fatal', async () => {
    const store = new JsonlUsageStore({ directory: dir, flushOnExit: false });
    await store.append(event(0));
    mkdirSync(join(dir, 'x.jsonl'));
    writeFileSync(join(dir, '100%.jsonl'), `${JSON.stringify({ type: 'usage', ...event(1) })}\n`);
    const { events, warnings } = await store.read();
    expect(events.map((e) => e.id)).toEqual(['e0']);
    expect(
      warnings.map((w) => [w.code, w.file?.endsWith('100%.jsonl') || w.file?.endsWith('x.jsonl')]),
    ).toEqual([
      ['STRAY_FILE', true],
      ['STRAY_FILE', true],
    ]);
    expect(await store.listSessions()).toEqual(['s1']);
    // Recording into the session the directory shadows fails that record only, with a typed error.
    await expect(store.append(event(2, 'x'))).rejects.toMatchObject({ code: 'IO_ERROR' });
    await store.append(event(3));
    expect((await store.read()).events.map((e) => e.id)).toEqual(['e0', 'e3']);
    expect((await store.applyRetention({ maxSessions: 10 })).removedSessions).toEqual([]);
    await store.close();
  });

  it('a UTF-8 BOM does not lose the session header', async () => {
    const header = {
      type: 'session',
      sessionId: 'bom',
      startedAt: '2026-01-01T00:00:00.000Z',
      provider: 'openai',
      model: 'gpt-4o',
    };
    writeFileSync(
      join(dir, 'bom.jsonl'),
      `\uFEFF${JSON.stringify(header)}\n${JSON.stringify({ type: 'usage', ...event(0, 'bom') })}\n`,
    );
    const store = new JsonlUsageStore({ directory: dir, flushOnExit: false });
    const { sessions, events, warnings } = await store.read();
    expect(warnings).toEqual([]);
    expect(sessions.map((s) => s.sessionId)).toEqual(['bom']);
    expect(events.map((e) => e.id)).toEqual(['e0']);
    await store.close();
  });

  it('an unwritable store holds a bounded buffer: records beyond the bound are rejected at once', async () => {
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'x');
    const store = new JsonlUsageStore({
      directory: join(blocker, 'usage'),
      flushOnExit: false,
      maxBufferedRecords: 8,
      flushIntervalMs: 60_000,
    });
    const outcomes: string[] = [];
    // A caller that never yields to the event loop: only the bound can stop the buffer growing.
    for (let i = 0; i < 1000; i++) {
      store.append(event(i)).then(
        () => outcomes.push('ok'),
        (error: { code?: string }) => outcomes.push(error.code ?? 'untyped'),
      );
    }
    for (let i = 0; i < 5; i++) await Promise.resolve(); // settle microtasks only, no timer ran
    // Every full buffer of 16 x 8 records was written (and failed) synchronously.
    expect(outcomes.length).toBeGreaterThanOrEqual(1000 - 16 * 8);
    expect(new Set(outcomes)).toEqual(new Set(['IO_ERROR']));
    await store.close().catch(() => {});
    expect(outcomes.length).toBe(1000);
  });

  it('a tracker on an unwritable store keeps a bounded list of FLUSH_FAILED warnings', async () => {
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'x');
    const store = new JsonlUsageStore({ directory: join(blocker, 'usage'), flushOnExit: false });
    const tracker = new TokenUsageTracker({ store });
    tracker.startSession({ provider: 'openai', model: 'gpt-4o' });
    const all = [];
    for (let i = 0; i < 500; i++)
      all.push(tracker.record({ usage: { inputTokens: i, outputTokens: 1 } }).catch(() => {}));
    await Promise.all(all);
    const warnings = tracker.getCurrentUsage().warnings.filter((w) => w.code === 'FLUSH_FAILED');
    expect(warnings.length).toBe(102); // the header, 100 events, one summary of the other 400
    expect(warnings.at(-1)!.message).toMatch(/^400 more event\(s\) not stored/);
    expect(tracker.getCurrentUsage().totals.calls).toBe(500); // the calls happened; live totals keep them
    await store.close().catch(() => {});
  });

  it('the byte bound flushes a buffer of large records synchronously', async () => {
    const store = new JsonlUsageStore({
      directory: dir,
      flushOnExit: false,
      maxBufferedBytes: 50_000,
      flushIntervalMs: 60_000,
    });
    const settled: number[] = [];
    for (let i = 0; i < 20; i++)
      void store.append({ ...event(i), model: 'm'.repeat(10_000) }).then(() => settled.push(i));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(settled.length).toBeGreaterThanOrEqual(15);
    await store.close();
    expect(settled.length).toBe(20);
  });
});

describe('options are checked, never silently ignored', () => {
  it('an unknown or mistyped key throws a typed error instead of falling back to defaults', () => {
    expect(codeOf(() => new JsonlUsageStore({ dir } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new JsonlUsageStore({ directory: dir, flushIntervalMs: Number.NaN }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(codeOf(() => new JsonlUsageStore({ directory: dir, retention: { maxAge: 90 } as never }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(codeOf(() => new TokenUsageTracker({ stor: {} } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new TokenUsageTracker({ retention: { maxSessions: -1 } }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new TokenUsageTracker({ retention: { maxAgeDays: 0 } }))).toBe('INVALID_ARGUMENT');
    const store = new JsonlUsageStore({ directory: dir, flushOnExit: false });
    const tracker = new TokenUsageTracker({ store });
    tracker.startSession({ provider: 'openai', model: 'gpt-4o' });
    const usage = { usage: { inputTokens: 1, outputTokens: 1 } };
    expect(codeOf(() => tracker.record(usage, { latency: 5 } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tracker.record({ ...usage, sesionId: 'x' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tracker.record({ usage: { inputTokens: 1, outputTokens: 1, cacheRead: 1 } }))).toBe(
      'INVALID_ARGUMENT',
    );
    return expect(store.applyRetention({ maxSessions: 1 }, { dry: true } as never)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('startSession, trackToolUsage and trackMessageTokens refuse what would poison later records', async () => {
    const tracker = new TokenUsageTracker({
      store: new JsonlUsageStore({ directory: dir, flushOnExit: false }),
      count: () => Number.NaN,
    });
    const first = tracker.startSession({ provider: 'openai', model: 'gpt-4o' });
    expect(
      codeOf(() => tracker.startSession({ provider: 'openai', model: 'gpt-4o', contextWindw: 8 } as never)),
    ).toBe('INVALID_ARGUMENT');
    expect(
      codeOf(() => tracker.startSession({ provider: 'openai', model: 'gpt-4o', contextWindow: 1.5 })),
    ).toBe('INVALID_ARGUMENT');
    expect(tracker.sessionId).toBe(first); // a refused header does not end the open session
    expect(codeOf(() => tracker.trackToolUsage('bash', 1e306))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tracker.trackMessageTokens([{ role: 'user', content: 'hi' }]))).toBe(
      'INVALID_ARGUMENT',
    );
    // Nothing pending was poisoned: the next call is stored.
    const event = await tracker.record({ usage: { inputTokens: 5, outputTokens: 1 } });
    expect(event.tools).toBeUndefined();
    expect(event.breakdown).toBeUndefined();
    await tracker.close();
  });

  it('hostile numbers at record() are refused with a typed error, and a refused call loses no pending tool use', async () => {
    const store = new JsonlUsageStore({ directory: dir, flushOnExit: false });
    const tracker = new TokenUsageTracker({ store });
    tracker.startSession({ provider: 'openai', model: 'gpt-4o' });
    const openai = (usage: Record<string, unknown>) => ({
      object: 'chat.completion',
      model: 'gpt-4o',
      usage,
    });
    tracker.trackToolUsage('bash', 40);
    const refused = [
      () => tracker.record(openai({ prompt_tokens: 1e306, completion_tokens: 1 }), { shape: 'openai' }),
      () =>
        tracker.record(openai({ prompt_tokens: 10, completion_tokens: 1 }), {
          shape: 'openai',
          latencyMs: Number.NaN,
        }),
      () =>
        tracker.record(openai({ prompt_tokens: 10, completion_tokens: 1 }), {
          shape: 'openai',
          tools: { bash: '2' as never },
        }),
      () =>
        tracker.record(
          {
            type: 'message',
            model: 'claude-haiku-4-5',
            usage: { input_tokens: 5, output_tokens: 1, cache_read_input_tokens: 1e20 },
          },
          { shape: 'anthropic' },
        ),
      () => tracker.record({ usage: { inputTokens: Infinity, outputTokens: 1 } }),
    ];
    for (const call of refused) expect(codeOf(call)).toBe('INVALID_ARGUMENT');
    const stored = await tracker.record(openai({ prompt_tokens: 10, completion_tokens: 1 }), {
      shape: 'openai',
    });
    expect(stored.tools).toEqual({ bash: { count: 1, resultTokens: 40 } });
    await tracker.close();
    const { events } = await new JsonlUsageStore({ directory: dir, flushOnExit: false }).read();
    expect(events).toEqual([stored]);
  });
});
