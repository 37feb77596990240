import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { TokenUsageTracker } from '../tracker.js';
import type { UsageEvent } from '../types.js';
import { JsonlUsageStore } from './jsonl.js';
import { MemoryUsageStore } from './memory.js';
import type { RetentionPolicy } from './types.js';

const DAY = 86_400_000;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ctxkit-retention-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = (sessionId: string, i: number, daysAgo: number): UsageEvent => ({
  id: `${sessionId}-${i}`,
  sessionId,
  timestamp: new Date(Date.now() - daysAgo * DAY).toISOString(),
  provider: 'openai',
  model: 'gpt-4o',
  usage: { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 },
  source: 'provider',
  cost: null,
});

/** Writes a session whose events are `daysAgo` old and whose file mtime is `mtimeDaysAgo` old. */
async function session(sessionId: string, daysAgo: number[], mtimeDaysAgo: number): Promise<void> {
  const store = new JsonlUsageStore({ directory: dir, flushOnExit: false });
  const started = Math.max(...daysAgo);
  await store.startSession({
    sessionId,
    startedAt: new Date(Date.now() - started * DAY).toISOString(),
    provider: 'openai',
    model: 'gpt-4o',
  });
  for (const [i, d] of daysAgo.entries()) await store.append(at(sessionId, i, d));
  await store.close();
  const t = (Date.now() - mtimeDaysAgo * DAY) / 1000;
  utimesSync(join(dir, `${sessionId}.jsonl`), t, t);
}

const snapshot = () =>
  readdirSync(dir)
    .sort()
    .map((f) => [f, readFileSync(join(dir, f), 'utf8')]);

it('removes whole sessions by the events own time, not by file mtime (an import is new on disk)', async () => {
  await session('imported-old', [120, 100], 0.01); // just imported: fresh mtime, old events
  await session('touched-long-ago', [200, 1], 300); // old file time, but active yesterday
  await session('recent', [3, 2], 2);
  const store = new JsonlUsageStore({ directory: dir, flushOnExit: false, retentionQuietMs: 0 });
  const result = await store.applyRetention({ maxAgeDays: 90 });
  expect(result).toEqual({
    removedSessions: ['imported-old'],
    rewrittenSessions: [],
    droppedEvents: 2,
    droppedBadLines: 0,
    dryRun: false,
  });
  // Nothing is cut to a header: a session is there whole or not at all.
  expect(existsSync(join(dir, 'imported-old.jsonl'))).toBe(false);
  const { sessions, events } = await store.read();
  expect(sessions.map((s) => s.sessionId).sort()).toEqual(['recent', 'touched-long-ago']);
  expect(events.map((e) => e.id).sort()).toEqual([
    'recent-0',
    'recent-1',
    'touched-long-ago-0',
    'touched-long-ago-1',
  ]);
  await store.close();
});

it('maxSessions keeps the most recently active sessions by event time', async () => {
  await session('a', [50], 0.01);
  await session('b', [5], 40);
  await session('c', [10], 30);
  const store = new JsonlUsageStore({ directory: dir, flushOnExit: false, retentionQuietMs: 0 });
  expect((await store.applyRetention({ maxSessions: 2 })).removedSessions).toEqual(['a']);
  expect(await store.listSessions()).toEqual(['b', 'c']);
  await store.close();
});

it('a dry run reports exactly what the real run then does, and changes nothing', async () => {
  await session('old', [400], 0.01);
  await session('new', [1], 0.01);
  const store = new JsonlUsageStore({ directory: dir, flushOnExit: false, retentionQuietMs: 0 });
  const before = snapshot();
  const preview = await store.applyRetention({ maxAgeDays: 30, maxSessions: 5 }, { dryRun: true });
  expect(snapshot()).toEqual(before);
  expect(preview.removedSessions).toEqual(['old']);
  const done = await store.applyRetention({ maxAgeDays: 30, maxSessions: 5 });
  expect(done).toEqual({ ...preview, dryRun: false });
  expect(await store.listSessions()).toEqual(['new']);
  await store.close();
});

it('a removed session can be recorded again from scratch', async () => {
  await session('again', [200], 0.01);
  const store = new JsonlUsageStore({ directory: dir, flushOnExit: false, retentionQuietMs: 0 });
  await store.applyRetention({ maxAgeDays: 90 });
  expect(await store.listSessions()).toEqual([]);
  await store.startSession({
    sessionId: 'again',
    startedAt: new Date(Date.now() - 200 * DAY).toISOString(),
    provider: 'openai',
    model: 'gpt-4o',
  });
  await store.append(at('again', 0, 200));
  const { sessions, events } = await store.read();
  expect(sessions.map((s) => s.sessionId)).toEqual(['again']);
  expect(events.map((e) => e.id)).toEqual(['again-0']);
  await store.close();
});

it('the former names, compact and compactQuietMs, still apply retention the same way', async () => {
  await session('old', [120], 0); // written just now: inside the default quiet minute
  await session('recent', [1], 0);
  const quiet = new JsonlUsageStore({ directory: dir, flushOnExit: false });
  expect((await quiet.compact({ maxAgeDays: 90 })).removedSessions).toEqual([]); // too fresh on disk
  await quiet.close();
  const store = new JsonlUsageStore({ directory: dir, flushOnExit: false, compactQuietMs: 0 });
  const preview = await store.applyRetention({ maxAgeDays: 90 }, { dryRun: true });
  expect(preview.removedSessions).toEqual(['old']);
  expect(await store.compact({ maxAgeDays: 90 })).toEqual({ ...preview, dryRun: false });
  expect(await store.listSessions()).toEqual(['recent']);
  await store.close();
});

it('the tracker applies retention through a store that only has the former compact()', async () => {
  const policies: RetentionPolicy[] = [];
  const store = Object.assign(new MemoryUsageStore(), {
    compact: async (policy?: RetentionPolicy) => {
      if (policy) policies.push(policy);
      return {
        removedSessions: [],
        rewrittenSessions: [],
        droppedEvents: 0,
        droppedBadLines: 0,
        dryRun: false,
      };
    },
  });
  const tracker = new TokenUsageTracker({ store, retention: { maxSessions: 3 } });
  tracker.startSession({ provider: 'openai', model: 'gpt-4o' });
  tracker.startSession({ provider: 'openai', model: 'gpt-4o' });
  await tracker.close();
  expect(policies).toEqual([{ maxSessions: 3 }]);
});
