// `pnpm -F @ctxkit/tokenizers bench [filter]` (filter `pathological`: only the 10 MB pathological inputs): every tokenizer in bench/entries.ts, each in
// a fresh child process (so cold loads share no warm caches), grouped by vocabulary, with
// ratios against the group's baseline measured in the same run.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { VOCABULARIES } from '../src/index.js';
import { ENTRIES } from './entries.js';
import { PATHOLOGICAL, SIZE } from './pathological-inputs.js';

interface Result {
  loadMs: number;
  heapMB: number;
  residentMB: number;
  rssMB: number;
  mixedMBps: number;
  mixedCovered: number;
  transcriptMBps: number;
  transcriptCovered: number;
  transcriptMB: number;
  p50: number;
  p99: number;
  unseenP50: number;
  unseenP99: number;
}

const filter = process.argv[2];
const child = join(import.meta.dirname, 'run-child.ts');
const pathologicalChild = join(import.meta.dirname, 'pathological-child.ts');

function run(name: string, script = child): Result | string {
  const out = spawnSync(
    process.execPath,
    ['--expose-gc', '--conditions=@ctxkit/source', '--import', 'tsx', script, name],
    { encoding: 'utf8', cwd: join(import.meta.dirname, '..'), maxBuffer: 1 << 24 },
  );
  if (out.status !== 0)
    return (out.stderr || out.stdout).split('\n').find((l) => l.includes('Error')) ?? 'failed';
  return JSON.parse(out.stdout.slice(out.stdout.indexOf('{'))) as Result;
}

const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');
const ratio = (a: number, b: number | undefined) => (b && Number.isFinite(a) ? `${(a / b).toFixed(2)}×` : '');

/**
 * 10 MB of each pathological input per exact vocabulary, against 10 MB of realistic text
 * counted in the same process (ctxkit only: the references are quadratic on one long piece).
 */
function pathological(): void {
  const names = Object.keys(PATHOLOGICAL);
  console.log(
    `\n## Pathological inputs: CPU seconds for ${SIZE / 1e6} M chars, and the worst input ÷ realistic text (same process; realistic: mean of a run before and after the inputs; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})\n`,
  );
  console.log(`| vocabulary | realistic s | ${names.join(' s | ')} s | worst ×realistic |`);
  console.log(`|---|---|${names.map(() => '---|').join('')}---|`);
  for (const info of Object.values(VOCABULARIES)) {
    if (!info.exact) continue;
    const r = run(info.id, pathologicalChild) as unknown as Record<string, number> | string;
    if (typeof r === 'string') {
      console.log(`| ${info.id} | failed: ${r.slice(0, 80)} |`);
      continue;
    }
    const worst = Math.max(...names.map((n) => r[n] ?? Number.NaN).filter(Number.isFinite));
    console.log(
      `| ${info.id} | ${f(r.realistic!, 2)} | ${names.map((n) => f(r[n]!, 2)).join(' | ')} | ${ratio(worst, r.realistic)} |`,
    );
  }
}

if (filter === 'pathological') {
  pathological();
  process.exit(0);
}

console.log(`# @ctxkit/tokenizers benchmark — Node ${process.version}, ${new Date().toISOString()}`);
console.log(
  'load: fresh process (import + vocabulary build + first count); heap: heapUsed growth after load (gc); resident: heap + external + array buffers growth;',
);
console.log(
  'MB/s: million UTF-16 chars per second; p50/p99: one 2 KB message (ctxkit: countMessage) of transcript text; unseen: the same messages ROT13-ed (text no cache has seen).',
);
console.log('ratios: divided by the group baseline (marked *), measured in this run.\n');
console.log(
  '| vocabulary | tokenizer | load ms | ×base | heap MB | resident MB | RSS MB | mixed 1 MB MB/s | ×base | transcripts MB/s | ×base | p50 ms | p99 ms | p50 ×base | unseen p50 ms | unseen p99 ms |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
const baselines = new Map<string, Result>();
let transcriptMB = 0;
for (const e of ENTRIES) {
  if (filter && !e.group.includes(filter) && !e.name.includes(filter)) continue;
  const r = run(e.name);
  if (typeof r === 'string') {
    console.log(`| ${e.group} | ${e.name} | failed: ${r.slice(0, 80)} |`);
    continue;
  }
  transcriptMB = r.transcriptMB;
  if (e.baseline) baselines.set(e.group, r);
  const b = baselines.get(e.group);
  const partial = (c: number) => (c < 0.999 ? ` (${Math.round(c * 100)}%)` : '');
  console.log(
    `| ${e.group} | ${e.name}${e.baseline ? ' *' : ''} | ${f(r.loadMs, 0)} | ${ratio(r.loadMs, b?.loadMs)} | ${f(r.heapMB)} | ${f(r.residentMB)} | ${f(r.rssMB, 0)} | ` +
      `${f(r.mixedMBps, 2)}${partial(r.mixedCovered)} | ${ratio(r.mixedMBps, b?.mixedMBps)} | ${f(r.transcriptMBps, 2)}${partial(r.transcriptCovered)} | ` +
      `${ratio(r.transcriptMBps, b?.transcriptMBps)} | ${f(r.p50, 3)} | ${f(r.p99, 3)} | ${ratio(r.p50, b?.p50)} | ${f(r.unseenP50, 3)} | ${f(r.unseenP99, 3)} |`,
  );
}
console.log(
  `\ntranscripts: ${transcriptMB.toFixed(2)} M chars; (n%) = share covered within the per-corpus time cap.`,
);
if (!filter) pathological();
