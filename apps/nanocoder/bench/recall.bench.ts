/**
 * End-to-end recall, side by side: the real Nanocoder CLI (`--plain`) reads 8 files one per turn,
 * each holding one constant, then reports the 8 values. The loopback model answers ONLY from what is
 * visible in the request it receives, so a fact lost by compaction is a fact missing from the answer.
 * Stock Nanocoder, ctxkit with its deterministic summary, and ctxkit with a model summarizer that keeps
 * what it is shown, at 8k, 16k and 32k windows (the server rejects what exceeds its window).
 *
 *   pnpm -F @ctxkit/nanocoder bench:recall
 */
import { rmSync } from 'node:fs';
import { createVocabularyTokenizer } from '@ctxkit/tokenizers';
import { renderQwenChat } from '../src/testing/chatml.js';
import { makeSandbox, node22, runCli } from '../src/testing/run-nanocoder.js';
import { type OpenAIRequest, type SeenRequest, startScriptedServer } from '../src/testing/scripted-server.js';
import { sourceFile } from '../src/testing/session.js';

const MODEL = 'qwen2.5-coder:7b';
const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];
const FILES = NAMES.map((name, i) => ({
  name,
  path: `src/${name}.ts`,
  constant: `${name.toUpperCase()}_RETRY_LIMIT`,
  value: 11 + i * 7,
}));
const PROMPT = `Read ${FILES.map((f) => f.path).join(', ')} one by one, then report the exported retry limit of each.`;
const qwen = createVocabularyTokenizer('qwen2');

const textOf = (body: OpenAIRequest) =>
  body.messages
    .map((m) =>
      typeof m.content === 'string' ? m.content : (m.content ?? []).map((p) => p.text ?? '').join(''),
    )
    .join('\n');

/** The facts visible in a request: `CONST = value` wherever it appears (file bodies, summaries, kept text). */
function visibleFacts(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of FILES) {
    const m = new RegExp(`\\b${f.constant}\\s*=\\s*(\\d+)`).exec(text);
    if (m) out.set(f.constant, Number(m[1]));
  }
  return out;
}

/** A summarizer that keeps what it is shown: every fact visible in its request, plus the paths read. */
function keepingSummary(body: OpenAIRequest): string {
  const text = textOf(body);
  const facts = [...visibleFacts(text)].map(([k, v]) => `- \`${k} = ${v}\``);
  const paths = [...new Set(text.match(/src\/\w+\.ts/g) ?? [])];
  return `## Context\nThe user asked to read ${paths.length} source files and report each exported retry limit.\n## Decisions\n${facts.join('\n') || '- none yet'}\n## Files modified\n- none (read only: ${paths.join(', ')})\n`;
}

type Mode = 'stock' | 'ctxkit-extractive' | 'ctxkit-model';
interface Row {
  window: number;
  mode: Mode;
  code: number | null;
  requests: SeenRequest[];
  facts: number;
  ctxkitMs: number[];
  turnMs: number[];
  /** The ctxkit lines a user saw (compactions, failures), without the debug lines. */
  notices: string[];
}

async function run(window: number, mode: Mode): Promise<Row> {
  const node = node22();
  if (!node) throw new Error('no Node >= 22');
  const server = await startScriptedServer({
    turns: [],
    contextLimit: window,
    model: MODEL,
    countRequest: (body) => qwen.countTokens(renderQwenChat(body)),
    summary: keepingSummary,
    respond: (body, turn) => {
      const f = FILES[turn];
      if (f) return { kind: 'tool', calls: [{ name: 'read_file', arguments: { path: f.path } }] };
      if (turn > FILES.length) return undefined;
      const seen = visibleFacts(textOf(body));
      return {
        kind: 'text',
        text: FILES.map((x) => `${x.path}: ${x.constant} = ${seen.get(x.constant) ?? 'unknown'}.`).join(' '),
      };
    },
  });
  const sandbox = makeSandbox(
    Object.fromEntries(FILES.map((f) => [f.path, sourceFile(f.name, f.constant, f.value, 90)])),
    [{ name: 'local', baseUrl: server.url, models: [MODEL], contextWindow: window }],
  );
  try {
    const out = await runCli(
      node,
      sandbox,
      ['--plain', '--json', '--trust-directory', '--mode', 'yolo', 'run', PROMPT],
      {
        withCtxkit: mode !== 'stock',
        env: {
          CTXKIT_DEBUG: '1',
          CTXKIT_SUMMARIZER: mode === 'ctxkit-model' ? 'model' : 'extractive',
        },
        timeoutMs: 180_000,
      },
    );
    let answer = '';
    try {
      answer = (JSON.parse(out.stdout) as { finalText?: string }).finalText ?? '';
    } catch {
      answer = '';
    }
    const facts = FILES.filter((f) => answer.includes(`${f.constant} = ${f.value}.`)).length;
    const ctxkitMs = [...out.stderr.matchAll(/ctxkit ([\d.]+) ms, summary calls/g)].map((m) => Number(m[1]));
    const turns = server.seen.filter((r) => r.kind === 'turn');
    // Time Nanocoder (with or without ctxkit) took between a model answer and its next request.
    const turnMs: number[] = [];
    for (let i = 1; i < server.seen.length; i++) {
      const prev = server.seen[i - 1] as SeenRequest;
      const cur = server.seen[i] as SeenRequest;
      if (cur.kind === 'turn' && prev.kind === 'turn' && prev.answeredAt)
        turnMs.push(cur.receivedAt - prev.answeredAt);
    }
    const notices = out.stderr
      .split('\n')
      .filter((l) => l.startsWith('[ctxkit]') && !/ ms, summary calls /.test(l));
    return {
      notices,
      window,
      mode,
      code: out.code,
      requests: [...server.seen],
      facts,
      ctxkitMs,
      turnMs: turns.length ? turnMs : [],
    };
  } finally {
    await server.close();
    rmSync(sandbox.root, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

qwen.countTokens('warm up');
const rows: Row[] = [];
const windows = (process.env.BENCH_WINDOWS ?? '8192,16384,32768').split(',').map(Number);
for (const window of windows) {
  rows.push(
    ...(await Promise.all(
      (['stock', 'ctxkit-extractive', 'ctxkit-model'] as const).map((m) => run(window, m)),
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
