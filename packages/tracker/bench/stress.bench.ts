// Stress figures for @ctxkit/tracker (run: pnpm -F @ctxkit/tracker bench).
//  1. record() latency: buffered TokenUsageTracker + JsonlUsageStore vs the unbuffered baseline
//     (JSON.stringify + appendFileSync per event), both measured in this run.
//  2. Two processes appending 10,000 events each to the same session file.
//  3. A writer SIGKILLed mid-stream: acknowledged events readable after restart.
import {
  appendFileSync,
  closeSync,
  fdatasyncSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { JsonlUsageStore, Pricing, TokenUsageTracker } from '../src/index.js';
import { exited, prepareWriter, spawnWriter } from './spawn.js';

const N = Number(process.env.BENCH_EVENTS ?? 20_000);
const root = mkdtempSync(join(tmpdir(), 'ctxkit-stress-'));

function raw(i: number) {
  return {
    id: `msg_${i}`,
    type: 'message',
    model: 'claude-sonnet-4-5-20250929',
    usage: {
      input_tokens: 3 + (i % 7),
      cache_creation_input_tokens: 120,
      cache_read_input_tokens: 30_000 + i,
      output_tokens: 80 + (i % 50),
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function latency() {
  const dir = join(root, 'latency');
  const tracker = new TokenUsageTracker({ store: new JsonlUsageStore({ directory: dir }) });
  tracker.startSession({ provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', sessionId: 'bench' });
  await tracker.record(raw(-1)); // first call resolves the model's price table (one-off)
  const buffered: number[] = [];
  let last: Promise<unknown> = Promise.resolve();
  for (let i = 0; i < N; i++) {
    const t0 = process.hrtime.bigint();
    last = tracker.record(raw(i));
    buffered.push(Number(process.hrtime.bigint() - t0) / 1e6);
    // Like an agent between calls: yield now and then so timed flushes run outside record().
    if (i % 200 === 199) await new Promise((r) => setImmediate(r));
  }
  const t0 = process.hrtime.bigint();
  await last;
  await tracker.close();
  const drainMs = Number(process.hrtime.bigint() - t0) / 1e6;

  const baselineFile = join(root, 'baseline.jsonl');
  const baseline: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = process.hrtime.bigint();
    appendFileSync(baselineFile, `${JSON.stringify({ kind: 'usage', ...raw(i) })}\n`);
    baseline.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  // Second baseline: what durability per event costs without buffering (write + fdatasync each time).
  const fd = openSync(join(root, 'durable.jsonl'), 'a');
  const durable: number[] = [];
  for (let i = 0; i < Math.min(N, 2000); i++) {
    const t = process.hrtime.bigint();
    writeSync(fd, `${JSON.stringify({ kind: 'usage', ...raw(i) })}\n`);
    fdatasyncSync(fd);
    durable.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  closeSync(fd);
  durable.sort((a, b) => a - b);
  const stored = readFileSync(join(dir, 'bench.jsonl'), 'utf8').split('\n').filter(Boolean).length;
  buffered.sort((a, b) => a - b);
  baseline.sort((a, b) => a - b);
  return { buffered, baseline, durable, drainMs, stored };
}

async function concurrency(writer: Awaited<ReturnType<typeof prepareWriter>>) {
  const dir = join(root, 'concurrent');
  const t0 = Date.now();
  const children = ['A', 'B'].map((p) => spawnWriter(writer, [dir, 'shared', '10000', 'all', p]));
  const codes = await Promise.all(children.map(exited));
  const wallMs = Date.now() - t0;
  const store = new JsonlUsageStore({ directory: dir, flushOnExit: false });
  const { events, warnings } = await store.read();
  await store.close();
  return { wallMs, codes: codes.map((c) => c.code), readable: events.length, corrupt: warnings.length };
}

async function sigkill(writer: Awaited<ReturnType<typeof prepareWriter>>) {
  const dir = join(root, 'killed');
  let highest = -1;
  let done!: () => void;
  const reached = new Promise<void>((r) => {
    done = r;
  });
  const child = spawnWriter(writer, [dir, 'killed', '100000000', 'ack'], (line) => {
    const m = /^ACK (\d+)$/.exec(line);
    if (m) highest = Math.max(highest, Number(m[1]));
    if (highest >= 5000) done();
  });
  await reached;
  child.kill('SIGKILL');
  await exited(child);
  const acknowledged = highest + 1;
  appendFileSync(join(dir, 'killed.jsonl'), '{"type":"usage","id":"torn'); // what a crash inside write(2) leaves
  const store = new JsonlUsageStore({ directory: dir, flushOnExit: false });
  const { events, warnings } = await store.read();
  await store.close();
  const ids = new Set(events.map((e) => e.id));
  let missing = 0;
  for (let i = 0; i < acknowledged; i++) if (!ids.has(`killed-${i}`)) missing++;
  return {
    acknowledged,
    onDisk: events.length,
    missing,
    torn: warnings.filter((w) => w.code === 'TORN_LINE').length,
  };
}

function pricing() {
  const model = 'claude-sonnet-4-5-20250929';
  const usage = (i: number) => ({
    inputTokens: 30_000 + i,
    cachedInputTokens: 29_000,
    cacheWriteTokens: 500,
    outputTokens: 200,
    reasoningTokens: 0,
  });
  const runs = 3000;
  const p = new Pricing();
  p.price('anthropic', model, usage(0));
  let t = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < runs; i++) sink += p.price('anthropic', model, usage(i)).cost!.amount;
  const cached = Number(process.hrtime.bigint() - t) / 1e6 / runs;
  t = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) {
    const u = usage(i);
    sink += calcPrice(
      {
        input_tokens: u.inputTokens,
        cache_read_tokens: u.cachedInputTokens,
        cache_write_tokens: u.cacheWriteTokens,
        output_tokens: u.outputTokens,
      },
      model,
      { providerId: 'anthropic' },
    )!.total_price;
  }
  const direct = Number(process.hrtime.bigint() - t) / 1e6 / runs;
  return { cached, direct, sink };
}

const f = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
try {
  const writer = await prepareWriter();
  const pr = pricing();
  const l = await latency();
  const c = await concurrency(writer);
  const k = await sigkill(writer);
  writer.dispose();
  console.log(`\n@ctxkit/tracker stress (${N} events, node ${process.version})\n`);
  console.log('| record() latency              | p50       | p99       | max       |');
  console.log('|-------------------------------|----------:|----------:|----------:|');
  console.log(
    `| buffered tracker (this pkg)   | ${f(percentile(l.buffered, 50))} | ${f(percentile(l.buffered, 99))} | ${f(l.buffered.at(-1)!)} |`,
  );
  console.log(
    `| baseline: appendFileSync/event | ${f(percentile(l.baseline, 50))} | ${f(percentile(l.baseline, 99))} | ${f(l.baseline.at(-1)!)} |`,
  );
  console.log(
    `| durable: write+fdatasync/event (${l.durable.length}) | ${f(percentile(l.durable, 50))} | ${f(percentile(l.durable, 99))} | ${f(l.durable.at(-1)!)} |`,
  );
  console.log(
    `\nratio baseline/buffered: p50 ${(percentile(l.baseline, 50) / percentile(l.buffered, 50)).toFixed(1)}x, p99 ${(percentile(l.baseline, 99) / percentile(l.buffered, 99)).toFixed(1)}x; ` +
      `p99 target ≤ 200 µs: ${percentile(l.buffered, 99) <= 0.2 ? 'met' : 'MISSED'}; final durable drain ${l.drainMs.toFixed(1)} ms; lines stored ${l.stored} (expected ${N + 2})`,
  );
  console.log(
    `\npricing per call: Pricing.price (resolved table) ${f(pr.cached)} vs genai-prices calcPrice ${f(pr.direct)} (${(pr.direct / pr.cached).toFixed(0)}x)`,
  );
  console.log('\n| durability                                   | result |');
  console.log('|----------------------------------------------|--------|');
  console.log(
    `| 2 processes × 10,000 appends, same file      | ${c.readable}/20000 readable, ${c.corrupt} corrupt, exit ${c.codes.join('/')}, ${c.wallMs} ms |`,
  );
  console.log(
    `| SIGKILL mid-stream: acknowledged record()s   | ${k.acknowledged} acked, ${k.missing} missing, ${k.onDisk} on disk |`,
  );
  console.log(`| torn last line after the kill               | ${k.torn} reported, read not fatal |`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
