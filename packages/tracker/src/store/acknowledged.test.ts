import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCtxkitError } from '@ctxkit/core';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hostileCall } from '../../bench/hostile.js';
import { TokenUsageTracker } from '../tracker.js';
import type { UsageEvent } from '../types.js';
import { JsonlUsageStore } from './jsonl.js';
import { MemoryUsageStore } from './memory.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ctxkit-ack-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Records every call; returns the events record() resolved with and how many calls were refused. */
async function recordAll(
  tracker: TokenUsageTracker,
  calls: { input: unknown; options: Record<string, unknown> }[],
) {
  const acknowledged: UsageEvent[] = [];
  let refused = 0;
  const settled = calls.map(({ input, options }, i) => {
    const id = `ev-${i}`;
    try {
      const withId =
        'shape' in options
          ? { input, options: { ...options, id } }
          : { input: { ...(input as object), id }, options };
      return tracker.record(withId.input, withId.options).then(
        (event) => void acknowledged.push(event),
        (error: unknown) => {
          expect(isCtxkitError(error)).toBe(true);
          refused++;
        },
      );
    } catch (error) {
      // A refusal must be typed: anything else is a crash on hostile input.
      if (!isCtxkitError(error)) throw error;
      expect(error.code).toBe('INVALID_ARGUMENT');
      refused++;
      return Promise.resolve();
    }
  });
  await Promise.all(settled);
  return { acknowledged, refused };
}

it('hostile record() calls are refused with a typed error or read back equal: 0 acknowledged-then-lost', async () => {
  let acknowledgedTotal = 0;
  let refusedTotal = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(hostileCall, { minLength: 1, maxLength: 30 }), async (calls) => {
      const dir = mkdtempSync(join(root, 'run-'));
      const store = new JsonlUsageStore({
        directory: dir,
        flushOnExit: false,
        durable: false,
        flushIntervalMs: 1,
      });
      const tracker = new TokenUsageTracker({ store });
      tracker.startSession({ provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', sessionId: 's' });
      const { acknowledged, refused } = await recordAll(tracker, calls);
      await tracker.close();
      const reader = new JsonlUsageStore({ directory: dir, flushOnExit: false });
      const { events, warnings } = await reader.read();
      await reader.close();
      expect(warnings).toEqual([]);
      const byId = new Map(events.map((e) => [e.id, e]));
      for (const event of acknowledged) expect(byId.get(event.id)).toEqual(event);
      expect(acknowledged.length + refused).toBe(calls.length);
      acknowledgedTotal += acknowledged.length;
      refusedTotal += refused;
    }),
    { numRuns: 60 },
  );
  // Both outcomes were exercised (the generator is not all-valid nor all-hostile).
  expect(acknowledgedTotal).toBeGreaterThan(0);
  expect(refusedTotal).toBeGreaterThan(0);
});

it('the store itself refuses what its reader would drop (direct append of hostile events)', async () => {
  const base: UsageEvent = {
    id: 'x',
    sessionId: 's',
    timestamp: '2026-01-01T00:00:00.000Z',
    provider: 'openai',
    model: 'gpt-4o',
    usage: { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 },
    source: 'provider',
    cost: null,
  };
  const hostile: Array<[string, unknown]> = [
    ['Infinity cost', { ...base, cost: { amount: Infinity, currency: 'USD', pricingVersion: 't' } }],
    ['NaN latency', { ...base, latency: { totalMs: Number.NaN } }],
    ['string tool count', { ...base, tools: { bash: { count: '3', resultTokens: 0 } } }],
    ['1e306 tokens', { ...base, usage: { ...base.usage, inputTokens: 1e306 } }],
    ['unknown key', { ...base, extra: 1 }],
    ['unknown usage key', { ...base, usage: { ...base.usage, cacheReadTokens: 5 } }],
    ['bad timestamp', { ...base, timestamp: 'yesterday' }],
    ['session id too long for a file name', { ...base, sessionId: 'é'.repeat(50) }],
  ];
  const dir = mkdtempSync(join(root, 'direct-'));
  for (const store of [new JsonlUsageStore({ directory: dir, flushOnExit: false }), new MemoryUsageStore()]) {
    for (const [name, event] of hostile) {
      // Only a store with files has a file-name limit.
      if (store instanceof MemoryUsageStore && name.startsWith('session id')) continue;
      let code: string | undefined;
      try {
        await store.append(event as UsageEvent);
      } catch (error) {
        code = isCtxkitError(error) ? error.code : 'untyped';
      }
      expect([name, code]).toEqual([name, 'INVALID_ARGUMENT']);
    }
    await store.append({ ...base, usage: { ...base.usage, outputTokens: -0 } });
    const { events } = await store.read();
    expect(events).toEqual([{ ...base, usage: { ...base.usage, outputTokens: 0 } }]);
    expect(Object.is(events[0]!.usage.outputTokens, 0)).toBe(true);
    await store.close();
  }
});
