// Fault figures for the usage store (run: pnpm -F @ctxkit/tracker bench:faults). Each scenario runs in
// a fresh process (for a clean RSS), against this package's sources or, with BASELINE_SRC=<path to
// another checkout's src/index.ts>, against that one, so a before/after pair is measured in one run.
//   fuzz       — 8,192 hostile record() calls; acknowledged-then-lost must be 0.
//   unwritable — 65,536 records into a store whose directory cannot be created: RSS growth and
//                record() cost at the end vs the start.
//   fulldisk   — records into a real 128 KiB tmpfs until it is full (needs root and mount(8)); corrupt
//                lines after, resolved-but-missing and rejected-but-present records.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { hostileCall } from './hostile.js';

type Tracker = typeof import('../src/index.js');
const OWN_SRC = resolve(import.meta.dirname, '../src/index.ts');

function raw(i: number) {
  return {
    id: `msg_${i}`,
    type: 'message',
    model: 'claude-sonnet-4-5-20250929',
    usage: {
      input_tokens: 3 + (i % 7),
      cache_creation_input_tokens: 120,
      cache_read_input_tokens: 30_000 + i,
      output_tokens: 80,
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

async function fuzz(t: Tracker, root: string) {
  const dir = join(root, 'fuzz');
  const calls = fc.sample(hostileCall, { numRuns: 8192, seed: 19 });
  const tracker = new t.TokenUsageTracker({
    store: new t.JsonlUsageStore({ directory: dir, flushOnExit: false, durable: false }),
  });
  tracker.startSession({ provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', sessionId: 'fuzz' });
  const acknowledged: Array<{ id: string }> = [];
  let thrown = 0;
  let rejected = 0;
  const settled: Promise<unknown>[] = [];
  calls.forEach(({ input, options }, i) => {
    const id = `ev-${i}`;
    try {
      const p =
        'shape' in options
          ? tracker.record(input, { ...options, id } as never)
          : tracker.record({ ...(input as object), id } as never);
      settled.push(
        p.then(
          (e) => acknowledged.push(e),
          () => rejected++,
        ),
      );
    } catch {
      thrown++;
    }
  });
  await Promise.all(settled);
  await tracker.close().catch(() => {});
  const { events, warnings } = await new t.JsonlUsageStore({ directory: dir, flushOnExit: false }).read();
  const byId = new Map(events.map((e) => [e.id, JSON.stringify(e)]));
  const lost = acknowledged.filter((e) => byId.get(e.id) !== JSON.stringify(e)).length;
  return {
    calls: calls.length,
    acknowledged: acknowledged.length,
    thrown,
    rejected,
    lost,
    readerWarnings: warnings.length,
  };
}

async function unwritable(t: Tracker, root: string) {
  writeFileSync(join(root, 'blocker'), 'x');
  const store = new t.JsonlUsageStore({ directory: join(root, 'blocker', 'usage'), flushOnExit: false });
  const tracker = new t.TokenUsageTracker({ store });
  tracker.startSession({ provider: 'anthropic', model: 'claude-sonnet-4-5-20250929' });
  const N = Number(process.env.FAULT_RECORDS ?? 65_536);
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  const cost: number[] = [];
  let rejected = 0;
  for (let i = 0; i < N; i++) {
    const start = performance.now();
    tracker.record(raw(i)).catch(() => rejected++);
    cost.push(performance.now() - start);
    if (i % 256 === 255) await tick();
  }
  await tick();
  globalThis.gc?.();
  const rss1 = process.memoryUsage().rss;
  const heapGrowthMB = Math.round((process.memoryUsage().heapUsed - heap0) / 1e5) / 10;
  const median = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1]! * 1000;
  const result = {
    records: N,
    rejectedBeforeClose: rejected,
    rssGrowthMB: Math.round((rss1 - rss0) / 1e5) / 10,
    heapGrowthMB,
    firstUs: Math.round(median(cost.slice(0, 4096)) * 10) / 10,
    lastUs: Math.round(median(cost.slice(-4096)) * 10) / 10,
  };
  await tracker.close().catch(() => {});
  return result;
}

async function fulldisk(t: Tracker, root: string) {
  const mnt = join(root, 'mnt');
  mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=128k', 'tmpfs', mnt], { stdio: 'ignore' });
  } catch {
    return { skipped: 'cannot mount a tmpfs here (needs root)' };
  }
  try {
    const tracker = new t.TokenUsageTracker({
      store: new t.JsonlUsageStore({ directory: mnt, flushOnExit: false, flushIntervalMs: 1 }),
    });
    tracker.startSession({ provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', sessionId: 'full' });
    const resolved = new Set<string>();
    const rejected = new Set<string>();
    for (let i = 0; i < 1500; i += 25) {
      const batch: Promise<unknown>[] = [];
      for (let k = i; k < i + 25; k++) {
        batch.push(
          tracker.record(raw(k)).then(
            () => resolved.add(`msg_${k}`),
            () => rejected.add(`msg_${k}`),
          ),
        );
      }
      await Promise.all(batch);
    }
    await tracker.close().catch(() => {});
    await tracker.store.close().catch(() => {});
    const { events, warnings } = await new t.JsonlUsageStore({ directory: mnt, flushOnExit: false }).read();
    const stored = new Set(events.map((e) => e.id));
    return {
      records: 1500,
      resolved: resolved.size,
      rejected: rejected.size,
      corruptLines: warnings.filter((w) => w.code === 'CORRUPT_LINE' || w.code === 'TORN_LINE').length,
      resolvedMissing: [...resolved].filter((id) => !stored.has(id)).length,
      rejectedPresent: [...rejected].filter((id) => stored.has(id)).length,
    };
  } finally {
    // Lazy: a store that failed to close may still hold a descriptor on the mount.
    execFileSync('umount', ['-l', mnt]);
  }
}

async function unwritableStore(t: Tracker, root: string) {
  writeFileSync(join(root, 'blocker'), 'x');
  const store = new t.JsonlUsageStore({ directory: join(root, 'blocker', 'usage'), flushOnExit: false });
  const N = Number(process.env.FAULT_RECORDS ?? 65_536);
  const event = (i: number) => ({
    id: `e${i}`,
    sessionId: 's',
    timestamp: new Date(1_767_225_600_000 + i).toISOString(),
    provider: 'anthropic',
    model: 'claude-sonnet-4-5-20250929',
    usage: {
      inputTokens: 30_123,
      cachedInputTokens: 30_000,
      cacheWriteTokens: 120,
      outputTokens: 80,
      reasoningTokens: 0,
    },
    source: 'provider' as const,
    cost: { amount: 0.0123, currency: 'USD' as const, pricingVersion: 'genai-prices@0.1.8' },
  });
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  let rejected = 0;
  for (let i = 0; i < N; i++) {
    store.append(event(i)).catch(() => rejected++);
    if (i % 256 === 255) await tick();
  }
  await tick();
  globalThis.gc?.();
  const rss1 = process.memoryUsage().rss;
  const heapGrowthMB = Math.round((process.memoryUsage().heapUsed - heap0) / 1e5) / 10;
  await store.close().catch(() => {});
  return {
    records: N,
    rejectedBeforeClose: rejected,
    rssGrowthMB: Math.round((rss1 - rss0) / 1e5) / 10,
    heapGrowthMB,
  };
}

const SCENARIOS = { fuzz, unwritable, unwritableStore, fulldisk };
const [scenario, src] = process.argv.slice(2);
if (scenario) {
  const t = (await import(src!)) as Tracker;
  const root = mkdtempSync(join(tmpdir(), 'ctxkit-faults-'));
  try {
    console.log(JSON.stringify(await SCENARIOS[scenario as keyof typeof SCENARIOS](t, root)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
} else {
  const TSX = resolve(import.meta.dirname, '../../../node_modules/.bin/tsx');
  const sources = [
    ['this checkout', OWN_SRC],
    ...(process.env.BASELINE_SRC ? [['baseline', process.env.BASELINE_SRC]] : []),
  ];
  for (const name of Object.keys(SCENARIOS)) {
    for (const [label, path] of sources) {
      const run = spawnSync(
        TSX,
        ['--conditions=@ctxkit/source', '--expose-gc', import.meta.filename, name, path!],
        { encoding: 'utf8', timeout: 600_000 },
      );
      console.log(
        `${name.padEnd(10)} ${label!.padEnd(13)} ${run.stdout.trim() || run.stderr.trim().split('\n').slice(-3).join(' ')}`,
      );
    }
  }
}
