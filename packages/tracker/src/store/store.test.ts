import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UsageEvent } from '../types.js';
import { registeredExitFlushCount } from './exit-hooks.js';
import { JsonlUsageStore } from './jsonl.js';
import { MemoryUsageStore } from './memory.js';
import { defaultUsageDirectory, sessionFileName } from './paths.js';
import type { UsageStore } from './types.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ctxkit-usage-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const event = (
  i: number,
  sessionId = 's1',
  timestamp = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
): UsageEvent => ({
  id: `e${i}`,
  sessionId,
  timestamp,
  provider: 'openai',
  model: 'gpt-4o',
  usage: {
    inputTokens: 100 + i,
    cachedInputTokens: 50,
    cacheWriteTokens: 0,
    outputTokens: 10,
    reasoningTokens: 0,
  },
  source: 'provider',
  cost: { amount: 0.001, currency: 'USD', pricingVersion: 'test' },
});

describe.each([
  ['jsonl', () => new JsonlUsageStore({ directory: dir, flushOnExit: false })],
  ['memory', () => new MemoryUsageStore()],
] as Array<[string, () => UsageStore]>)('%s store contract', (_, make) => {
  it('round-trips sessions and events, de-duplicates by id, filters by time and session', async () => {
    const store = make();
    await store.startSession({
      sessionId: 's1',
      startedAt: '2026-01-01T00:00:00.000Z',
      provider: 'openai',
      model: 'gpt-4o',
    });
    for (let i = 0; i < 5; i++) await store.append(event(i));
    await store.append(event(2)); // a re-streamed duplicate
    await store.append(event(9, 's2'));
    const all = await store.read();
    expect(all.events.map((e) => e.id)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e9']);
    expect(all.duplicates).toBe(1);
    expect(all.events[0]).toEqual(event(0));
    expect(all.sessions.map((s) => s.sessionId)).toEqual(['s1']);
    const some = await store.read({ since: new Date(Date.UTC(2026, 0, 1, 0, 0, 2)), sessionIds: ['s1'] });
    expect(some.events.map((e) => e.id)).toEqual(['e2', 'e3', 'e4']);
    expect(await store.listSessions()).toEqual(['s1', 's2']);
    await store.close();
  });
});

describe('JsonlUsageStore files', () => {
  it('writes one whole JSON line per record, one file per session', async () => {
    const store = new JsonlUsageStore({ directory: dir, flushOnExit: false });
    const pending = [store.append(event(0)), store.append(event(1)), store.append(event(2, 'other/../x'))];
    await Promise.all(pending);
    await store.close();
    expect(readdirSync(dir).sort()).toEqual([sessionFileName('other/../x'), 's1.jsonl'].sort());
    expect(sessionFileName('other/../x')).not.toContain('/');
    const lines = readFileSync(join(dir, 's1.jsonl'), 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(['e0', 'e1']);
  });

  it('skips and reports a torn last line and a corrupt line; a new writer does not glue onto the fragment', async () => {
    const store = new JsonlUsageStore({ directory: dir, flushOnExit: false });
    await store.append(event(0));
    await store.close();
    const file = join(dir, 's1.jsonl');
    appendFileSync(file, 'not json at all\n');
    appendFileSync(file, JSON.stringify({ type: 'usage', ...event(5), usage: { inputTokens: -3 } }) + '\n');
    appendFileSync(file, '{"type":"usage","id":"e1","sessi');
    const reader = new JsonlUsageStore({ directory: dir, flushOnExit: false });
    const first = await reader.read();
    expect(first.events.map((e) => e.id)).toEqual(['e0']);
    expect(first.warnings.map((w) => w.code)).toEqual(['CORRUPT_LINE', 'CORRUPT_LINE', 'TORN_LINE']);
    expect(first.warnings[2]!.line).toBe(4);
    await reader.append(event(1));
    const second = await reader.read();
    expect(second.events.map((e) => e.id)).toEqual(['e0', 'e1']);
    expect(second.warnings.map((w) => w.code)).toEqual(['CORRUPT_LINE', 'CORRUPT_LINE', 'CORRUPT_LINE']);
    await reader.close();
  });

  it('retention: maxSessions and maxAgeDays rewrite atomically and leave live files alone', async () => {
    const store = new JsonlUsageStore({ directory: dir, flushOnExit: false, retentionQuietMs: 0 });
    const day = 86_400_000;
    const now = Date.now();
    for (let s = 0; s < 4; s++) {
      await store.append(event(s, `old${s}`, new Date(now - (10 + s) * day).toISOString()));
      await store.endSession(`old${s}`);
      const t = (now - (10 + s) * day) / 1000;
      utimesSync(join(dir, `old${s}.jsonl`), t, t);
    }
    // A mixed file: one old event, one recent, one duplicate, one corrupt line.
    await store.append(event(10, 'mixed', new Date(now - 20 * day).toISOString()));
    await store.append(event(11, 'mixed', new Date(now - day).toISOString()));
    await store.endSession('mixed');
    appendFileSync(
      join(dir, 'mixed.jsonl'),
      `${JSON.stringify({ type: 'usage', ...event(11, 'mixed', new Date(now - day).toISOString()) })}\ngarbage\n`,
    );
    const t = (now - 2 * day) / 1000;
    utimesSync(join(dir, 'mixed.jsonl'), t, t);
    // A live session of this store is never touched.
    await store.append(event(20, 'live', new Date(now - 30 * day).toISOString()));

    const result = await store.applyRetention({ maxAgeDays: 7, maxSessions: 10 });
    expect(result.removedSessions.sort()).toEqual(['old0', 'old1', 'old2', 'old3']);
    expect(result.rewrittenSessions).toEqual(['mixed']);
    expect(result.droppedBadLines).toBe(1);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const after = await store.read();
    // Retention keeps or removes whole sessions: 'mixed' was active a day ago, so its 20-day-old
    // event stays with it (only the duplicate and the corrupt line are cleaned).
    expect(after.events.map((e) => e.id).sort()).toEqual(['e10', 'e11', 'e20']);
    expect(after.duplicates).toBe(0);
    expect(after.warnings).toEqual([]);

    const capped = await new JsonlUsageStore({
      directory: dir,
      flushOnExit: false,
      retentionQuietMs: 0,
    }).applyRetention({ maxSessions: 1 });
    expect(capped.removedSessions.length).toBe(1);
    expect((await store.listSessions()).length).toBe(1);
    await store.close();
  });

  it('any strings (newlines, quotes, unicode, separators) round-trip as exactly one line per record', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            sessionId: fc.string({ minLength: 1, maxLength: 12 }),
            model: fc.string({ unit: 'binary' }),
            provider: fc.string(),
          }),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        async (rows) => {
          const sub = mkdtempSync(join(dir, 'p-'));
          const store = new JsonlUsageStore({ directory: sub, flushOnExit: false });
          const written = rows.map((r, i) => ({
            ...event(i, r.sessionId),
            model: r.model,
            provider: r.provider,
          }));
          await Promise.all(written.map((e) => store.append(e)));
          const { events, warnings } = await store.read();
          await store.close();
          expect(warnings).toEqual([]);
          expect(events.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
            written.sort((a, b) => a.id.localeCompare(b.id)),
          );
          const lines = readdirSync(sub).flatMap((f) =>
            readFileSync(join(sub, f), 'utf8').split('\n').filter(Boolean),
          );
          expect(lines.length).toBe(written.length);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('resolves the XDG data directory with the ~/.local/share fallback', () => {
    expect(defaultUsageDirectory({ XDG_DATA_HOME: '/data' })).toBe('/data/ctxkit/usage');
    expect(defaultUsageDirectory({})).toMatch(/\.local\/share\/ctxkit\/usage$/);
  });

  it('installs exit/signal hooks while open and removes them on close', async () => {
    const baseline = process.listenerCount('SIGTERM');
    const a = new JsonlUsageStore({ directory: dir });
    const b = new JsonlUsageStore({ directory: dir });
    await Promise.all([a.append(event(0)), b.append(event(1, 's2'))]);
    expect(registeredExitFlushCount()).toBe(2);
    expect(process.listenerCount('SIGTERM')).toBe(baseline + 1);
    await a.close();
    expect(process.listenerCount('SIGTERM')).toBe(baseline + 1);
    await b.close();
    expect(registeredExitFlushCount()).toBe(0);
    expect(process.listenerCount('SIGTERM')).toBe(baseline);
    expect(process.listenerCount('exit')).toBeLessThanOrEqual(baseline + 1);
  });

  it('a failed flush rejects the records, never writes them later, and recovers', async () => {
    const blocker = join(dir, 'file-not-dir');
    writeFileSync(blocker, 'x');
    const store = new JsonlUsageStore({ directory: join(blocker, 'usage'), flushOnExit: false });
    await expect(store.append(event(0))).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(store.warnings[0]?.code).toBe('FLUSH_FAILED');
    // A rejected record is not stored, ever (its caller was told so); fixing the cause lets new ones in.
    rmSync(blocker);
    await store.flush();
    await store.append(event(1));
    expect((await store.read()).events.map((e) => e.id)).toEqual(['e1']);
    await store.close();
  });
});
