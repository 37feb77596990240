// Warm acquire + release on a TokenizerPool against what a caller without a
// pool does per request: create a tokenizer for the model and free it after
// (@ctxkit/tokenizers' createTokenizer: each tokenizer loads its own copy of the
// vocabulary; the pool is what shares one). Run: pnpm -F @ctxkit/pool bench
import { createTokenizer } from '@ctxkit/tokenizers';
import { TokenizerPool } from '../src/index.js';

const MODELS: [string, string][] = [
  ['openai', 'gpt-4o'],
  ['openai', 'gpt-4.1'],
  ['openai', 'o3'],
];

function perCall(n: number, fn: (i: number) => void): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  return (performance.now() - t0) / n;
}

const baseline = perCall(3, (i) => {
  const [p, m] = MODELS[i % 3] as [string, string];
  const t = createTokenizer(p, m);
  t.countTokens('warm the vocabulary');
  t.free();
});

const pool = new TokenizerPool();
const cold = performance.now();
pool.release(await pool.acquire('openai', 'gpt-4o'));
const coldMs = performance.now() - cold;

const N = 300_000;
const sync = perCall(N, (i) => {
  const [p, m] = MODELS[i % 3] as [string, string];
  pool.release(pool.acquireSync(p, m));
});
let t0 = performance.now();
for (let i = 0; i < N / 3; i++) {
  const [p, m] = MODELS[i % 3] as [string, string];
  pool.release(await pool.acquire(p, m));
}
const asyncMs = (performance.now() - t0) / (N / 3);
t0 = performance.now();
await Promise.all(Array.from({ length: 1000 }, () => pool.acquire('openai', 'gpt-4o'))).then((hs) => {
  for (const h of hs) h.release();
});
const burstMs = (performance.now() - t0) / 1000;

const row = (what: string, ms: number) => ({
  what,
  'µs per call': +(ms * 1000).toFixed(3),
  'vs baseline': +(baseline / ms).toFixed(0),
});
console.table([
  row('baseline: createTokenizer + count + free (no pool)', baseline),
  row('pool: first acquire (cold load)', coldMs),
  row('pool: acquireSync + release (warm)', sync),
  row('pool: await acquire + release (warm)', asyncMs),
  row('pool: 1000 concurrent acquires, then release', burstMs),
]);
console.log(JSON.stringify(pool.stats().totals));
pool.dispose();
