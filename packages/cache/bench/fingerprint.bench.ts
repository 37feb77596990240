// Which fast hash should fingerprint messages? Hashes the canonical string of
// every transcript message with each candidate and prints per-message time
// (mean, p99) as a ratio against node:crypto md5 measured in the same run.
// Run: pnpm -F @ctxkit/cache bench:fingerprint
import { createHash, hash as oneShot } from 'node:crypto';
import { loadTranscripts } from '@ctxkit/test-utils';
import { createXXHash64, createXXHash128 } from 'hash-wasm';
import xxhash from 'xxhash-wasm';
import { messageLeaves, serializeLeaves } from '../src/canonical.js';
import { messageFingerprint } from '../src/fingerprint.js';

const messages = loadTranscripts().flatMap((t) => t.messages);
const strings = messages.map((m) => serializeLeaves(messageLeaves(m)));
const chars = strings.reduce((a, s) => a + s.length, 0);
const xx = await xxhash();
const h64 = await createXXHash64();
const h128 = await createXXHash128();

const candidates: Record<string, (s: string) => string> = {
  'node:crypto md5 (one-shot)': (s) => oneShot('md5', s, 'latin1'),
  'node:crypto sha1 (one-shot)': (s) => oneShot('sha1', s, 'latin1'),
  'node:crypto sha256 (one-shot)': (s) => oneShot('sha256', s, 'latin1'),
  'node:crypto md5 (createHash)': (s) => createHash('md5').update(s).digest('latin1'),
  'node:crypto sha256 (utf16le input)': (s) => createHash('sha256').update(s, 'utf16le').digest('latin1'),
  'node:crypto sha1 (utf16le input)': (s) => createHash('sha1').update(s, 'utf16le').digest('latin1'),
  'xxhash-wasm h64': (s) => xx.h64ToString(s),
  'hash-wasm xxhash64': (s) => h64.init().update(s).digest('hex'),
  'hash-wasm xxhash128': (s) => h128.init().update(s).digest('hex'),
  'serialization only (no hash)': (s) => s,
};

function measure(fn: (s: string) => string): { mean: number; p99: number; total: number } {
  for (const s of strings) fn(s); // warm up
  const times: number[] = [];
  let total = 0;
  for (let round = 0; round < 5; round++) {
    for (const s of strings) {
      const t0 = performance.now();
      fn(s);
      const dt = performance.now() - t0;
      times.push(dt);
      total += dt;
    }
  }
  times.sort((a, b) => a - b);
  return { mean: total / times.length, p99: times[Math.floor(times.length * 0.99)] ?? 0, total: total / 5 };
}

console.log(`${strings.length} messages, ${(chars / 1e6).toFixed(2)} M chars (canonical form)`);
const base = measure(candidates['node:crypto md5 (one-shot)'] as (s: string) => string);
const rows = Object.entries(candidates).map(([name, fn]) => {
  const r = name.startsWith('node:crypto md5 (one') ? base : measure(fn);
  return {
    hash: name,
    'mean µs': +(r.mean * 1000).toFixed(2),
    'p99 µs': +(r.p99 * 1000).toFixed(2),
    'MB/s': +(chars / 1e6 / (r.total / 1000)).toFixed(0),
    'vs md5': +(r.mean / base.mean).toFixed(2),
  };
});
// What TokenCountCache.count pays on a hit: the memo path for an unchanged
// message object (leaves compared by reference), per message.
for (const m of messages) messageFingerprint(m);
const memoTimes: number[] = [];
for (let round = 0; round < 5; round++) {
  for (const m of messages) {
    const t0 = performance.now();
    messageFingerprint(m);
    memoTimes.push(performance.now() - t0);
  }
}
memoTimes.sort((a, b) => a - b);
const memoMean = memoTimes.reduce((a, b) => a + b, 0) / memoTimes.length;
rows.push({
  hash: 'messageFingerprint, unchanged object (memo)',
  'mean µs': +(memoMean * 1000).toFixed(2),
  'p99 µs': +((memoTimes[Math.floor(memoTimes.length * 0.99)] ?? 0) * 1000).toFixed(2),
  'MB/s': 0,
  'vs md5': +(memoMean / base.mean).toFixed(3),
});
console.table(rows);
