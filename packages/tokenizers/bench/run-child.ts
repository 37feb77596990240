// One fresh process per tokenizer: cold load, heap/RSS after load, throughput on a 1 MB
// mixed corpus and on the transcripts, and p50/p99 for 2 KB messages.
import { allTranscriptTexts, EDGE_CASES } from '../test/corpus.js';
import { ENTRIES } from './entries.js';

const entry = ENTRIES.find((e) => e.name === process.argv[2]);
if (!entry) throw new Error(`unknown entry ${process.argv[2]}`);
const TIME_CAP_MS = Number(process.env.BENCH_TIME_CAP_MS ?? 15_000);

// Corpora are built before the load so they do not count toward the heap after load.
const transcripts = allTranscriptTexts();
const multilingual = EDGE_CASES.filter((t) => t.length > 0 && t.length < 1500);
const mixed: string[] = [];
for (let i = 0, size = 0; size < 1_000_000; i++) {
  const t =
    i % 8 === 7
      ? (multilingual[i % multilingual.length] as string)
      : (transcripts[i % transcripts.length] as string).slice(0, 4000);
  mixed.push(t);
  size += t.length;
}
const joined = transcripts.join('\n');
const messages: string[] = [];
for (let i = 0; messages.length < 300; i += 7919)
  messages.push(joined.slice(i % (joined.length - 2048), (i % (joined.length - 2048)) + 2048));

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const mem0 = process.memoryUsage();
const heap0 = mem0.heapUsed;
const t0 = performance.now();
const loaded = await entry.load();
loaded.countText('warm up: the first count builds lazily loaded state');
const loadMs = performance.now() - t0;
gc?.();
const mem = process.memoryUsage();

// Throughput in MB/s of UTF-16 code units ≈ characters; stops after TIME_CAP_MS and
// extrapolates (Nanocoder's Claude tokenizer rebuilds its table on every call).
function throughput(texts: string[]): { mbps: number; covered: number } {
  let chars = 0;
  let total = 0;
  const start = performance.now();
  for (const t of texts) {
    try {
      loaded.countText(t);
    } catch {
      // a library that throws on special-token strings: skip the sample
    }
    chars += t.length;
    if (performance.now() - start > TIME_CAP_MS) break;
  }
  for (const t of texts) total += t.length;
  const seconds = (performance.now() - start) / 1000;
  return { mbps: chars / 1e6 / seconds, covered: chars / total };
}
const mixedRun = throughput(mixed);
const transcriptRun = throughput(transcripts);

/** Sorted milliseconds of `countMessage` per message, until TIME_CAP_MS. */
function latencies(texts: string[]): number[] {
  const out: number[] = [];
  const start = performance.now();
  for (const m of texts) {
    const s = performance.now();
    loaded.countMessage(m);
    out.push(performance.now() - s);
    if (performance.now() - start > TIME_CAP_MS) break;
  }
  return out.sort((a, b) => a - b);
}
const pct = (p: number, of: number[]) => of[Math.min(of.length - 1, Math.floor(p * of.length))] as number;

for (const m of messages.slice(0, 20)) loaded.countMessage(m);
const times = latencies(messages);

// The same messages with their letters rotated (ROT13): text no cache has seen (ctxkit's
// piece cache holds the transcripts by now), with rarer pieces than real text — a
// pessimistic first-sight latency, the same for every tokenizer.
const rot13 = (s: string) =>
  s.replace(/[a-z]/gi, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
const unseen = latencies(messages.map(rot13));

process.stdout.write(
  JSON.stringify({
    loadMs,
    heapMB: (mem.heapUsed - heap0) / 1e6,
    // Resident cost of the load: heap plus memory outside the V8 heap (external includes array buffers).
    residentMB: (mem.heapUsed + mem.external - heap0 - mem0.external) / 1e6,
    rssMB: mem.rss / 1e6,
    mixedMBps: mixedRun.mbps,
    mixedCovered: mixedRun.covered,
    transcriptMBps: transcriptRun.mbps,
    transcriptCovered: transcriptRun.covered,
    transcriptMB: joined.length / 1e6,
    p50: pct(0.5, times),
    p99: pct(0.99, times),
    unseenP50: pct(0.5, unseen),
    unseenP99: pct(0.99, unseen),
  }),
);
