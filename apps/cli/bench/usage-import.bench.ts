// The bill of every Claude Code log in ../shared/data/raw-logs (else the committed sample), per session and
// per day — calls, uncached input, output, cache read, cache write (1-hour part included) and cost —
// from three sources side by side in one run: `ctxkit usage import` + `ctxkit usage report`, the raw-line
// reference of @ctxkit/test-utils (claude-code-reference.ts), and ccusage 20.0.24 (`--offline --json`, pointed at
// a temporary CLAUDE_CONFIG_DIR laid out as `projects/<project>/<session>.jsonl` and
// `<session>/subagents/agent-*.jsonl`). Then the wall time of each tool (import + report as a user runs
// them, each a fresh process, median of BENCH_RUNS runs, interleaved).
// Run: pnpm -F ctxkit bench        (builds the CLI first)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import {
  logFilesUnder,
  RAW_LOG_SAMPLES,
  type ReferenceBill,
  rawLogDir,
  referenceBills,
  referenceResponses,
} from '@ctxkit/test-utils';

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const BIN = resolve(import.meta.dirname, '../dist/cli.js');
const CCUSAGE = createRequire(import.meta.url)
  .resolve('ccusage/package.json')
  .replace(/package\.json$/, 'src/cli.js');
const SAMPLE = resolve(RAW_LOG_SAMPLES, 'claude-code');
const ROOT = rawLogDir('claude-code', SAMPLE);
const files = logFilesUnder(ROOT);
const tmp = mkdtempSync(join(tmpdir(), 'ctxkit-usage-bench-'));

// ccusage's layout: projects/<project>/<session>.jsonl, subagents under <project>/<session>/subagents/.
const config = join(tmp, 'claude');
for (const file of files) {
  const rel = relative(ROOT, dirname(file)).split('/').filter(Boolean);
  const sub = rel.at(-1) === 'subagents';
  const projectParts = sub ? rel.slice(0, -2) : rel;
  const project = projectParts.join('-') || 'root';
  const dest = sub
    ? join(config, 'projects', project, rel.at(-2)!, 'subagents')
    : join(config, 'projects', project);
  mkdirSync(dest, { recursive: true });
  copyFileSync(file, join(dest, basename(file)));
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const start = performance.now();
  const r = spawnSync(process.execPath, [command, ...args], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}
// The Claude Code views (`ccusage claude …`): the top-level ones merge sessions of the same file name
// across projects (two `turn-1.jsonl` make one row).
const ccusage = (view: 'session' | 'daily') =>
  run(CCUSAGE, ['claude', view, '--offline', '--json'], { CLAUDE_CONFIG_DIR: config });

/** The session id Claude Code wrote inside a log (ccusage names a session by its file instead). */
function innerSessionId(file: string): string | undefined {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const id = /"sessionId":"([^"]+)"/.exec(line)?.[1];
    if (id) return id;
  }
  return undefined;
}

interface Row {
  calls?: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  cost: number | null;
}

// --- ctxkit: import the copy (the same files), then the two reports ---
const store = join(tmp, 'store');
const imported = JSON.parse(
  run(BIN, ['usage', 'import', join(config, 'projects'), '--dir', store, '--json']).stdout,
);
const ctxkitRows = (by: 'session' | 'day') => {
  const report = JSON.parse(run(BIN, ['usage', 'report', '--by', by, '--dir', store, '--json']).stdout);
  return new Map<string, Row>(
    report.groups.map((g: { key: string; totals: Record<string, number> }) => [
      g.key,
      {
        calls: g.totals.calls,
        input: g.totals.uncachedInputTokens!,
        output: g.totals.outputTokens!,
        cacheRead: g.totals.cachedInputTokens!,
        cacheWrite: g.totals.cacheWriteTokens!,
        cost: g.totals.unpricedCalls ? null : g.totals.cost!,
        ...(g.totals.unpricedCalls ? { partialCost: g.totals.cost } : {}),
      },
    ]),
  );
};
/** ccusage's rows keyed like ours: days as they are, sessions by the id inside the file (rows summed). */
const ccusageRows = (view: 'session' | 'daily') => {
  const doc = JSON.parse(ccusage(view).stdout);
  const rows = new Map<string, Row & { parts: number }>();
  for (const r of (doc.sessions ?? doc.daily) as Record<string, unknown>[]) {
    let key = String(r.date ?? r.period);
    if (view === 'session') {
      const file = join(config, 'projects', String(r.projectPath), `${r.sessionId}.jsonl`);
      key = (existsSync(file) ? innerSessionId(file) : undefined) ?? String(r.sessionId);
    }
    const row = rows.get(key) ?? { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, cost: 0, parts: 0 };
    rows.set(key, row);
    row.parts++;
    row.input += Number(r.inputTokens);
    row.output += Number(r.outputTokens);
    row.cacheRead += Number(r.cacheReadTokens);
    row.cacheWrite += Number(r.cacheCreationTokens);
    row.cost = typeof r.totalCost === 'number' && row.cost !== null ? row.cost + r.totalCost : null;
  }
  return rows;
};
const responses = referenceResponses(files);
const fromReference = (bills: Map<string, ReferenceBill>) =>
  new Map<string, Row>(
    [...bills].map(([k, b]) => [
      k,
      {
        calls: b.calls,
        input: b.input,
        output: b.output,
        cacheRead: b.cacheRead,
        cacheWrite: b.cacheWrite,
        cost: b.cost,
      },
    ]),
  );

const fmt = (n: number | null | undefined, cost = false) =>
  n === null || n === undefined ? '—' : cost ? `$${n.toFixed(4)}` : n.toLocaleString('en-US');
function compare(
  title: string,
  ctxkit: Map<string, Row>,
  reference: Map<string, Row>,
  peer: Map<string, Row>,
) {
  console.log(`\n${title}`);
  const keys = [...new Set([...reference.keys(), ...ctxkit.keys(), ...peer.keys()])].sort();
  const head = [
    'key',
    'source',
    'calls',
    'input',
    'output',
    'cache read',
    'cache write',
    'cost',
    'vs reference',
  ];
  const rows: string[][] = [];
  let equal = 0;
  let peerEqual = 0;
  for (const key of keys) {
    const ref = reference.get(key);
    for (const [source, row] of [
      ['reference', ref],
      ['ctxkit', ctxkit.get(key)],
      ['ccusage', peer.get(key)],
    ] as const) {
      const diff =
        !row || !ref
          ? 'missing'
          : (['input', 'output', 'cacheRead', 'cacheWrite'] as const)
              .filter((f) => row[f] !== ref[f])
              .map((f) => `${f} ${row[f] - ref[f] > 0 ? '+' : ''}${row[f] - ref[f]}`)
              .concat(
                row.cost === null || ref.cost === null
                  ? row.cost === ref.cost
                    ? []
                    : [`cost ${row.cost === null ? 'unpriced' : fmt(row.cost, true)}`]
                  : Math.abs(row.cost - ref.cost) > 1e-6
                    ? [`cost ${row.cost - ref.cost > 0 ? '+' : ''}${(row.cost - ref.cost).toFixed(4)}`]
                    : [],
              )
              .join(', ') || 'equal';
      if (source === 'ctxkit' && diff === 'equal') equal++;
      if (source === 'ccusage' && diff === 'equal') peerEqual++;
      rows.push([
        source === 'reference' ? key.slice(0, 36) : '',
        source,
        row && 'parts' in row ? `${row.parts} row(s)` : fmt(row?.calls),
        fmt(row?.input),
        fmt(row?.output),
        fmt(row?.cacheRead),
        fmt(row?.cacheWrite),
        fmt(row?.cost, true),
        source === 'reference' ? '' : diff,
      ]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i >= 2 && i <= 7 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log(
    `ctxkit equals the reference on ${equal} of ${keys.length}; ccusage on ${peerEqual} of ${keys.length}`,
  );
}

console.log(
  `${files.length} Claude Code logs (${ROOT === SAMPLE ? 'committed sample' : '../shared/data/raw-logs'}), ` +
    `${responses.length} responses in the reference; ctxkit imported ${imported.added} call(s)`,
);
compare(
  'Per session (reference = raw lines, one record per message.id:requestId, last line)',
  ctxkitRows('session'),
  fromReference(referenceBills(responses, (r) => r.sessionId)),
  ccusageRows('session'),
);
compare(
  'Per day (UTC)',
  ctxkitRows('day'),
  fromReference(referenceBills(responses, (r) => r.day)),
  ccusageRows('daily'),
);

// --- time: each tool as a user runs it, fresh processes, interleaved runs ---
const times = {
  ctxImport: [] as number[],
  ctxReimport: [] as number[],
  ctxReport: [] as number[],
  ccSession: [] as number[],
  ccDaily: [] as number[],
};
for (let i = 0; i < RUNS; i++) {
  const fresh = join(tmp, `store-${i}`);
  times.ctxImport.push(run(BIN, ['usage', 'import', join(config, 'projects'), '--dir', fresh, '--json']).ms);
  times.ctxReimport.push(
    run(BIN, ['usage', 'import', join(config, 'projects'), '--dir', fresh, '--json']).ms,
  );
  times.ctxReport.push(
    run(BIN, ['usage', 'report', '--by', 'session', '--dir', fresh, '--json']).ms +
      run(BIN, ['usage', 'report', '--by', 'day', '--dir', fresh, '--json']).ms,
  );
  times.ccSession.push(ccusage('session').ms);
  times.ccDaily.push(ccusage('daily').ms);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
console.log(`\nWall time, ms (median of ${RUNS}, range), each a fresh process`);
const ctxTotal = times.ctxImport.map((t, i) => t + times.ctxReport[i]!);
const ccTotal = times.ccSession.map((t, i) => t + times.ccDaily[i]!);
for (const [label, xs] of [
  ['ctxkit usage import (empty store)', times.ctxImport],
  ['ctxkit usage import again (nothing new)', times.ctxReimport],
  ['ctxkit usage report --by session + --by day', times.ctxReport],
  ['ccusage session (reads the logs)', times.ccSession],
  ['ccusage daily (reads the logs)', times.ccDaily],
  ['ctxkit import + both reports', ctxTotal],
  ['ccusage session + daily', ccTotal],
] as const) {
  console.log(`${label.padEnd(46)} ${median(xs).toFixed(0).padStart(6)}  (${spread(xs)})`);
}
console.log(
  `ratios: ctxkit reports / ccusage views ${(median(times.ctxReport) / median(ccTotal)).toFixed(2)}x; ` +
    `ctxkit import + reports / ccusage views ${(median(ctxTotal) / median(ccTotal)).toFixed(2)}x`,
);
rmSync(tmp, { recursive: true, force: true });
