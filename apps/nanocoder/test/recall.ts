/**
 * The end-to-end recall scenario shared by the recall test and `bench:recall`: the real Nanocoder
 * CLI (`--plain`) reads 8 files one per turn, each holding one constant, then reports the 8 values.
 * The loopback model answers ONLY from what is visible in the request it receives, so a fact lost by
 * compaction is a fact missing from the answer; its summary model keeps every fact it is shown.
 */
import { rmSync } from 'node:fs';
import {
  type OpenAIRequest,
  renderQwenChat,
  type SeenRequest,
  startScriptedServer,
} from '@ctxkit/test-utils';
import { createVocabularyTokenizer } from '@ctxkit/tokenizers';
import { makeSandbox, node22, runCli } from './run-nanocoder.js';
import { sourceFile } from './session.js';

const MODEL = 'qwen2.5-coder:7b';
const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];
/** The eight files, their constants and values. */
export const RECALL_FILES = NAMES.map((name, i) => ({
  name,
  path: `src/${name}.ts`,
  constant: `${name.toUpperCase()}_RETRY_LIMIT`,
  value: 11 + i * 7,
}));
const PROMPT = `Read ${RECALL_FILES.map((f) => f.path).join(', ')} one by one, then report the exported retry limit of each.`;
/** The Qwen2 vocabulary the server counts with. */
export const qwen = createVocabularyTokenizer('qwen2');

const textOf = (body: OpenAIRequest) =>
  body.messages
    .map((m) =>
      typeof m.content === 'string' ? m.content : (m.content ?? []).map((p) => p.text ?? '').join(''),
    )
    .join('\n');

/** The facts visible in a request: `CONST = value` wherever it appears (file bodies, summaries, kept text). */
function visibleFacts(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of RECALL_FILES) {
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

/** Stock Nanocoder, or ctxkit with its deterministic or a model summary. */
export type RecallMode = 'stock' | 'ctxkit-extractive' | 'ctxkit-model';
/** One run as the server saw it and the user got it. */
export interface RecallRun {
  window: number;
  mode: RecallMode;
  code: number | null;
  requests: SeenRequest[];
  facts: number;
  ctxkitMs: number[];
  turnMs: number[];
  /** The ctxkit lines a user saw (compactions, failures), without the debug lines. */
  notices: string[];
  /** The final answer text. */
  answer: string;
  /** Nanocoder's stderr, to tell why a run failed. */
  stderr: string;
}

/**
 * Runs the scenario once against a server whose window is `window` tokens.
 * @param window - the server's (and the configured) context window.
 * @param mode - stock Nanocoder or ctxkit with a summarizer.
 */
export async function runRecall(window: number, mode: RecallMode): Promise<RecallRun> {
  const node = node22();
  if (!node) throw new Error('no Node >= 22');
  const server = await startScriptedServer({
    turns: [],
    contextLimit: window,
    model: MODEL,
    countRequest: (body) => qwen.countTokens(renderQwenChat(body)),
    summary: keepingSummary,
    respond: (body, turn) => {
      const f = RECALL_FILES[turn];
      if (f) return { kind: 'tool', calls: [{ name: 'read_file', arguments: { path: f.path } }] };
      if (turn > RECALL_FILES.length) return undefined;
      const seen = visibleFacts(textOf(body));
      return {
        kind: 'text',
        text: RECALL_FILES.map(
          (x) => `${x.path}: ${x.constant} = ${seen.get(x.constant) ?? 'unknown'}.`,
        ).join(' '),
      };
    },
  });
  const sandbox = makeSandbox(
    Object.fromEntries(RECALL_FILES.map((f) => [f.path, sourceFile(f.name, f.constant, f.value, 90)])),
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
    const facts = RECALL_FILES.filter((f) => answer.includes(`${f.constant} = ${f.value}.`)).length;
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
      answer,
      stderr: out.stderr,
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
