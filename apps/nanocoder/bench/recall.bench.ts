/**
 * End-to-end recall, side by side: the real Nanocoder CLI (`--plain`) reads 8 files one per turn,
 * each holding one constant, then reports the 8 values. The loopback model answers ONLY from what is
 * visible in the request it receives, so a fact lost by compaction is a fact missing from the answer.
 * Stock Nanocoder, ctxkit with its deterministic summary, and ctxkit with a model summarizer that keeps
 * what it is shown, at 8k, 16k and 32k windows (the server rejects what exceeds its window).
 *
 *   pnpm -F @ctxkit/nanocoder bench:recall
 */
import { qwen, type RecallRun, runRecall } from '../test/recall.js';

const median = (xs: number[]) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

qwen.countTokens('warm up');
const rows: RecallRun[] = [];
const windows = (process.env.BENCH_WINDOWS ?? '8192,16384,32768').split(',').map(Number);
for (const window of windows) {
  rows.push(
    ...(await Promise.all(
      (['stock', 'ctxkit-extractive', 'ctxkit-model'] as const).map((m) => runRecall(window, m)),
    )),
  );
}
console.log(
  '| window | run | exit | requests (tokens as the server counted; R = rejected, s = summary call) | facts | ctxkit ms/turn (median, first) | ms between answer and next request (median) |',
);
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  const reqs = r.requests
    .map(
      (q) => `${q.tokens.toLocaleString('en-US')}${q.rejected ? 'R' : ''}${q.kind === 'summary' ? 's' : ''}`,
    )
    .join(' · ');
  const ck = r.ctxkitMs.length
    ? `${median(r.ctxkitMs.slice(1)).toFixed(2)} (first ${r.ctxkitMs[0]?.toFixed(1)})`
    : '—';
  console.log(
    `| ${r.window / 1024}k | ${r.mode} | ${r.code} | ${reqs} | ${r.facts}/8 | ${ck} | ${median(r.turnMs).toFixed(1)} |`,
  );
}
console.log('\nWhat the user saw (stderr, [ctxkit] lines):');
for (const r of rows)
  if (r.notices.length > 0) console.log(`${r.window / 1024}k ${r.mode}:\n  ${r.notices.join('\n  ')}`);
for (const r of rows) {
  if (r.code !== 0 && r.requests.length === 0)
    console.log(
      `\n${r.window / 1024}k ${r.mode} sent no request; its stderr ends:\n${r.stderr.slice(-2000)}`,
    );
}
