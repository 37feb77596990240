// End-to-end: spawns the BUILT binary (dist/cli.js), as a user's shell would, on real transcripts,
// checked against the packages themselves (run on sources here), never against hard-coded figures.
// One file, so the binary is built once (two files in parallel forks would race on tsup's clean).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Message } from '@ctxkit/core';
import { loadTranscripts, RAW_LOG_SAMPLES, REPO_ROOT } from '@ctxkit/test-utils';
import { createTokenizer, detectModel } from '@ctxkit/tokenizers';
import { JsonlUsageStore, readAgentLog, TokenUsageTracker } from '@ctxkit/tracker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toClaudeCodeLog } from '../test/claude-code-log.js';

const BIN = resolve(import.meta.dirname, '../dist/cli.js');
const DATA = resolve(import.meta.dirname, '../data');
const EMBEDDED = join(DATA, 'claude-code__codemie__session-196820da.jsonl');
const readJsonl = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
const embedded: Message[] = readJsonl(EMBEDDED);
const sidecar: { message_index: number; raw: Record<string, number> }[] = readJsonl(
  EMBEDDED.replace(/\.jsonl$/, '.usage.jsonl'),
);
let tmp: string;

/** Runs the built CLI; never inherits a TTY, so output must be plain. */
function ctxkit(args: string[], input?: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    input: input ?? '',
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(args: string[], input = '', code = 0) {
  const r = ctxkit([...args, '--json'], input);
  expect(r.code, r.stderr).toBe(code);
  return JSON.parse(r.stdout);
}

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;
const ANSI = /\u001b\[/;

beforeAll(() => {
  // turbo builds the workspace dependencies first (dependsOn ^build), cached when unchanged.
  execFileSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=ctxkit', '--output-logs=errors-only'], {
    cwd: REPO_ROOT,
    stdio: 'pipe',
  });
  tmp = mkdtempSync(join(tmpdir(), 'ctxkit-cli-'));
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('ctxkit command line conventions', () => {
  it('has --help and --json on every command, exit 0', () => {
    const top = ctxkit(['--help']);
    expect(top.code).toBe(0);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z]+) /gm)]
      .map((m) => m[1]!)
      .filter((c) => c !== 'help');
    expect(commands).toContain('validate');
    for (const c of commands) {
      const help = ctxkit([c, '--help']);
      expect(help.code, c).toBe(0);
      expect(help.stdout, c).toContain(`Usage: ctxkit ${c}`);
      expect(help.stdout, c).toContain('--json');
    }
    for (const sub of ['report', 'sessions', 'export', 'import']) {
      const help = ctxkit(['usage', sub, '--help']);
      expect(help.code, sub).toBe(0);
      expect(help.stdout, sub).toContain('--json');
    }
  });

  it('exits 1 on usage errors, with a hint and no stack trace', () => {
    for (const args of [['frobnicate'], ['validate'], ['validate', 'x.jsonl', '--bogus']]) {
      const r = ctxkit(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/error:/);
      expect(r.stderr).not.toMatch(STACK_LINE);
    }
    const json = ctxkit(['validate', '--json', '--bogus', 'x']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error.code).toBe('USAGE');
  });

  it('validate exits 3 when it finds problems, says so in one line and in --help', () => {
    const file = join(tmp, 'orphan.jsonl');
    const msgs = [
      { role: 'user', content: 'go' },
      { role: 'tool', tool_call_id: 'ghost', content: 'orphan result' },
      { role: 'assistant', content: 'done' },
    ];
    writeFileSync(file, msgs.map((m) => JSON.stringify(m)).join('\n'));
    const r = ctxkit(['validate', file]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/1 problem\(s\)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/1 problem\(s\) found/);
    const asJson = ctxkit(['validate', file, '--json']);
    expect(asJson.code).toBe(3);
    expect(JSON.parse(asJson.stdout).valid).toBe(false);
    expect(ctxkit(['validate', '--help']).stdout).toMatch(/Exit codes: 0 valid, 3 problems found/);
    expect(ctxkit(['replay', '--help']).stdout).toMatch(/4 a request was over the limit/);
  });

  it('prints no colour codes when not on a TTY', () => {
    const r = ctxkit(['validate', EMBEDDED]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
    expect(r.stderr).not.toMatch(ANSI);
  });
});

describe('bad input: a clear message and exit code 2, never a stack trace', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['missing file', () => ['validate', join(tmp, 'nope.jsonl')], /file not found: .*nope\.jsonl/],
    ['directory', () => ['validate', tmp], /is a directory/],
    ['binary file', () => ['validate', process.execPath], /binary file/],
    [
      'empty file',
      () => {
        writeFileSync(join(tmp, 'empty.jsonl'), '\n  \n');
        return ['validate', join(tmp, 'empty.jsonl')];
      },
      /is empty/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(name, () => {
      const r = ctxkit(args());
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(STACK_LINE);
      const json = ctxkit([...args(), '--json']);
      expect(json.code).toBe(2);
      expect(JSON.parse(json.stdout).error.message).toMatch(message);
    });
  }

  it('empty standard input', () => {
    const r = ctxkit(['validate', '-'], '');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/standard input is empty/);
  });

  it('a malformed JSONL line: skipped and counted by default, fatal with --strict, line number reported', () => {
    const t = loadTranscripts().find((x) => x.messages.length >= 6)!;
    const lines = t.messages.map((m) => JSON.stringify(m));
    lines.splice(3, 0, '{"role":"user","content":"torn');
    const file = join(tmp, 'torn.jsonl');
    writeFileSync(file, lines.join('\n'));
    const lenient = ctxkit(['validate', file, '--json']);
    const report = JSON.parse(lenient.stdout);
    expect(lenient.code).toBe(report.problems.length === 0 ? 0 : 3);
    expect(report.messages).toBe(t.messages.length);
    expect(report.skippedLines).toHaveLength(1);
    expect(report.skippedLines[0].line).toBe(4);
    expect(lenient.stderr).toMatch(/skipped 1 unusable line\(s\); first at line 4/);
    const strict = ctxkit(['validate', file, '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/line 4: malformed JSON/);
    expect(strict.stderr).not.toMatch(STACK_LINE);
  });
});

describe('bench', () => {
  it('finds every package benchmark of the checkout, and rejects an unknown one (exit 1)', () => {
    const expected: string[] = [];
    for (const group of ['packages', 'apps']) {
      const dir = join(REPO_ROOT, group);
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir)) {
        const file = join(dir, name, 'package.json');
        if (!existsSync(file)) continue;
        const manifest = JSON.parse(readFileSync(file, 'utf8'));
        if (manifest.scripts?.bench) expected.push(manifest.name);
      }
    }
    const r = spawnSync(process.execPath, [BIN, 'bench', '--list', '--json'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).sort()).toEqual(expected.sort());
    const bad = spawnSync(process.execPath, [BIN, 'bench', '--filter', '@ctxkit/absent'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/no benchmark in @ctxkit\/absent/);
  });
});

describe('reading real transcripts', () => {
  it('validates the embedded transcript and reads it from standard input too', () => {
    const file = ctxkit(['validate', EMBEDDED, '--json']);
    expect(file.code).toBe(0);
    const a = JSON.parse(file.stdout);
    expect(a.format).toBe('ctxkit-jsonl');
    expect(a.valid).toBe(true);
    expect(a.toolCalls).toBeGreaterThan(0);
    const piped = ctxkit(['validate', '-', '--json'], readFileSync(EMBEDDED, 'utf8'));
    expect(JSON.parse(piped.stdout).messages).toBe(a.messages);
  });
});

describe('count and detect', () => {
  it('counts files exactly as the tokenizer does, and a conversation per role', () => {
    const tok = createTokenizer('', 'gpt-4o');
    const text = readFileSync(EMBEDDED, 'utf8');
    const files = json(['count', EMBEDDED, join(DATA, '../SOURCES.md')]);
    expect(files.exact).toBe(true);
    expect(files.files[0].tokens).toBe(tok.countTokens(text));
    expect(files.total).toBe(files.files[0].tokens + files.files[1].tokens);
    const conv = json(['count', '--messages', EMBEDDED]);
    expect(conv.total).toBe(tok.countMessages(embedded));
    const assistantTokens = embedded
      .filter((m) => m.role === 'assistant')
      .reduce((n, m) => n + tok.countMessage(m), 0);
    expect(conv.roles.assistant.tokens).toBe(assistantTokens);
    expect(conv.roles.tool.messages).toBe(embedded.filter((m) => m.role === 'tool').length);
    // Standard input gives the same count as the file.
    expect(json(['count', '-'], text).total).toBe(files.files[0].tokens);
  });

  it('says which model it assumed for a conversation that names none', () => {
    const conversation = join(tmp, 'no-model.jsonl');
    writeFileSync(conversation, `${JSON.stringify({ role: 'user', content: 'hello' })}\n`);
    const assumed = ctxkit(['count', '--messages', conversation]);
    expect(assumed.code).toBe(0);
    expect(assumed.stderr).toContain('names no model: counted as gpt-4o (o200k_base)');
    const chosen = ctxkit(['count', '--messages', conversation, '--model', 'qwen3:8b']);
    expect(chosen.stderr).not.toContain('names no model');
    // A request body that names its model is counted for it, without the note.
    const body = join(tmp, 'body.json');
    writeFileSync(body, JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }));
    expect(ctxkit(['count', '--messages', body]).stderr).not.toContain('names no model');
  });

  it('estimates an unknown model with a warning, exit 0', () => {
    const r = ctxkit(['count', '--model', 'totally-unknown-model-9', EMBEDDED, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: unknown model "totally-unknown-model-9"/);
    const out = JSON.parse(r.stdout);
    expect(out.exact).toBe(false);
    expect(out.total).toBeGreaterThan(0);
  });

  it('detect reports what detectModel decides', () => {
    for (const [provider, model] of [
      ['openai', 'gpt-4o'],
      ['ollama', 'qwen3:8b'],
      ['anthropic', 'claude-sonnet-4-5'],
    ] as const) {
      const out = json(['detect', provider, model]);
      const expected = detectModel(provider, model);
      expect(out.vocabulary).toBe(expected.vocabulary);
      expect(out.exact).toBe(expected.exact);
      expect(out.reason).toBe(expected.reason);
    }
  });

  it('detect tells an Ollama user that the window is num_ctx, and names a known family it estimates', () => {
    const ollama = ctxkit(['detect', 'ollama', 'kimi-k2:1t-cloud']);
    expect(ollama.code).toBe(0);
    expect(ollama.stdout).toContain('131,072 tokens');
    expect(ollama.stdout).toMatch(/note\s+Ollama serves a model with num_ctx/);
    expect(ollama.stdout).toContain('--limit');
    expect(ollama.stderr).toContain('no public vocabulary for "kimi-k2:1t-cloud" (kimi)');
    expect(json(['detect', 'ollama', 'qwen3-coder:30b']).note).toContain('num_ctx');
    const openai = ctxkit(['detect', 'openai', 'gpt-4o']);
    expect(openai.stdout).not.toContain('num_ctx');
    expect(openai.stderr).toBe('');
  });
});

describe('replay on real transcripts', () => {
  const limit = 32_000;
  const turns = embedded.filter((m, i) => m.role === 'assistant' && i > 0).length;
  const runs: Record<string, ReturnType<typeof json>> = {};
  beforeAll(() => {
    for (const s of ['none', 'window', 'compress']) {
      // Over the limit with the chosen strategy is exit 4 (the report is printed all the same).
      const code = s === 'none' ? 4 : 0;
      runs[s] = json(
        ['replay', '--demo', '--limit', String(limit), '--strategy', s, '--no-ollama'],
        '',
        code,
      );
    }
  }, 240_000);

  it('the replay tables quoted in the README and the docs are what a fresh run prints', () => {
    const figures = (r: ReturnType<typeof json>) => {
      const valid = r.requests.filter((q: { valid: boolean }) => q.valid).length;
      const int = (n: number) => n.toLocaleString('en-US');
      return {
        valid: `${valid}/${r.requests.length}`,
        over: String(r.overflows.strategy),
        peak: int(r.peakTokens),
        input: int(r.inputTokens),
        prefix: `${(r.promptPrefixReuse * 100).toFixed(1)} %`,
        cost: `$${r.cost.total.toFixed(2)}`,
      };
    };
    const names: Record<string, string> = {
      none: 'none',
      window: 'window',
      'compress (extractive)': 'compress',
    };
    for (const page of ['apps/cli/README.md', 'apps/docs/benchmarks.md']) {
      const rows = readFileSync(join(REPO_ROOT, page), 'utf8')
        .split('\n')
        .map((line) =>
          line
            .split('|')
            .map((cell) => cell.trim())
            .slice(1, -1),
        )
        .filter((cells) => cells[0] !== undefined && cells[0] in names);
      expect(rows.map((cells) => cells[0])).toEqual(Object.keys(names));
      for (const [name, ...cells] of rows) {
        const f = figures(runs[names[name as string] as string]);
        // The CLI README's table has the prefix-reuse column, the docs' does not.
        const expected =
          cells.length === 6
            ? [f.valid, f.over, f.peak, f.input, f.prefix, f.cost]
            : [f.valid, f.over, f.peak, f.input, f.cost];
        expect([page, name, ...cells]).toEqual([page, name, ...expected]);
      }
    }
  });

  it('--strategy none sends the whole history each turn, counted as the tokenizer counts it', () => {
    const r = runs.none;
    const tok = createTokenizer('', 'claude-sonnet-4-5-20250929');
    expect(r.turns).toBe(turns);
    expect(r.requests).toHaveLength(turns);
    for (const q of r.requests) expect(q.tokens).toBe(q.baselineTokens);
    const last = r.requests.at(-1);
    expect(last.tokens).toBe(tok.countMessages(embedded.slice(0, last.messageIndex)));
    expect(last.messages).toBe(last.messageIndex);
    const budget = r.limit - r.reserve;
    expect(r.overflows.baseline).toBe(r.requests.filter((q: { tokens: number }) => q.tokens > budget).length);
    expect(r.overflows.baseline).toBeGreaterThan(0);
    // Everything is shown, so every fact is recalled.
    expect(r.recall.kept).toBe(r.recall.facts);
    const plain = ctxkit(['replay', '--demo', '--limit', String(limit), '--strategy', 'none', '--no-ollama']);
    expect(plain.code).toBe(4);
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
    expect(plain.stderr).toMatch(
      /requests over the limit with --strategy none \(first at turn \d+: the request needed [\d,]+ tokens, the budget is [\d,]+\)/,
    );
    expect(plain.stdout).toMatch(/^recall\s+\d+\/\d+ facts/m);
  });

  it('window and compress keep every request under the budget and valid', () => {
    for (const s of ['window', 'compress']) {
      const r = runs[s];
      const budget = r.limit - r.reserve;
      expect(r.requests, s).toHaveLength(turns);
      for (const q of r.requests) {
        expect(q.valid, `${s} turn ${q.turn}`).toBe(true);
        expect(q.tokens, `${s} turn ${q.turn}`).toBeLessThanOrEqual(budget);
      }
      expect(r.overflows.strategy).toBe(0);
      expect(r.overflows.prevented).toBe(runs.none.overflows.baseline);
      expect(r.inputTokens).toBeLessThan(runs.none.inputTokens);
      expect(r.countCache.hitRate).toBeGreaterThan(0);
    }
    expect(runs.window.evictedMessages).toBeGreaterThan(0);
  });

  it('compress reports each compaction with its ratio and ledger facts kept', () => {
    const r = runs.compress;
    const compactions = r.requests.flatMap((q: { events: { kind: string }[] }) =>
      q.events.filter((e) => e.kind === 'compaction'),
    );
    expect(compactions.length).toBe(r.compactions);
    expect(compactions.length).toBeGreaterThan(0);
    for (const c of compactions) {
      expect(c.after).toBeLessThan(c.before);
      expect(c.ratio).toBeCloseTo(c.after / c.before, 10);
      expect(c.ledgerFactsKept).toBeLessThanOrEqual(c.ledgerFacts);
    }
    expect(r.cost).not.toBeNull();
    expect(r.cost.total).toBeGreaterThan(0);
  });

  it('replays a Claude Code session log, taking the model from it, and other agents at a tiny limit', () => {
    const file = join(tmp, 'session.jsonl');
    writeFileSync(file, toClaudeCodeLog(embedded.slice(0, 40), { model: 'claude-opus-4-6' }));
    const cc = json(['replay', file, '--limit', '8k', '--no-ollama']);
    expect(cc.format).toBe('claude-code-jsonl');
    expect(cc.model).toBe('claude-opus-4-6');
    expect(cc.invalidRequests).toBe(0);
    const others = loadTranscripts()
      .filter((t) => !t.name.startsWith('claude-code') && t.messages.some((m) => m.tool_calls?.length))
      .slice(0, 2);
    for (const t of others) {
      const raw = ctxkit(['replay', t.file, '--limit', '4k', '--no-ollama', '--model', 'gpt-4o', '--json']);
      const r = JSON.parse(raw.stdout);
      expect(raw.code, t.name).toBe(r.overflows.strategy > 0 ? 4 : 0);
      expect(r.invalidRequests, t.name).toBe(0);
      expect(r.overflows.strategy, t.name).toBeLessThanOrEqual(r.overflows.baseline);
    }
  });

  it('rejects a bad limit (exit 1) and a missing file (exit 2)', () => {
    expect(ctxkit(['replay', EMBEDDED, '--limit', 'lots']).code).toBe(1);
    expect(ctxkit(['replay', EMBEDDED, '--strategy', 'magic']).code).toBe(1);
    expect(ctxkit(['replay', join(tmp, 'absent.jsonl'), '--limit', '8k']).code).toBe(2);
  });
});

describe('usage', () => {
  it('imports the provider usage of a Claude Code log and reports it daily, per session, as CSV and HTML', () => {
    const store = join(tmp, 'usage');
    const assistants = embedded.flatMap((m, i) => (m.role === 'assistant' ? [i] : []));
    const byIndex = new Map(sidecar.map((u) => [u.message_index, u.raw]));
    const log = join(tmp, 'real-usage.jsonl');
    writeFileSync(
      log,
      toClaudeCodeLog(embedded, {
        sessionId: 'sess-196820da',
        model: 'claude-sonnet-4-5-20250929',
        usageFor: (k) => byIndex.get(assistants[k]!) as never,
      }),
    );
    const imported = json(['usage', 'import', log, '--dir', store]);
    expect(imported.files[0].calls).toBe(assistants.length);
    expect(imported.added).toBe(assistants.length);
    const expectedInput = assistants.reduce((n, i) => {
      const u = byIndex.get(i);
      return n + (u ? u.input_tokens! + u.cache_creation_input_tokens! + u.cache_read_input_tokens! : 3);
    }, 0);
    const report = json(['usage', 'report', '--dir', store, '--by', 'day']);
    expect(report.totals.calls).toBe(assistants.length);
    expect(report.totals.inputTokens).toBe(expectedInput);
    expect(report.groups[0].key).toBe('2026-02-10');
    // Importing again adds nothing.
    expect(json(['usage', 'import', log, '--dir', store]).added).toBe(0);
    expect(json(['usage', '--dir', store]).totals.inputTokens).toBe(expectedInput);
    const sessions = json(['usage', 'sessions', '--dir', store]);
    expect(sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual(['sess-196820da']);
    const csv = ctxkit(['usage', 'export', '--dir', store, '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\n')[0]).toMatch(/^group,provider,model,calls/);
    const html = join(tmp, 'report.html');
    expect(ctxkit(['usage', '--dir', store, '--html', html]).code).toBe(0);
    expect(existsSync(html) && readFileSync(html, 'utf8')).toMatch(/<html/i);
    expect(ctxkit(['usage', '--dir', store, '--since', 'yesterday-ish']).code).toBe(1);
    expect(ctxkit(['usage', '--dir', join(tmp, 'no-store')]).code).toBe(2);
  });

  it('imports every agent log of the default locations, only new responses, tools per call', () => {
    const samples = RAW_LOG_SAMPLES;
    const home = join(tmp, 'home');
    const store = join(tmp, 'usage-scan');
    const claude = join(home, '.claude', 'projects', '-tmp-private');
    const session = join(claude, '4c2ddfdc-session.jsonl');
    const codex = join(home, '.codex', 'sessions', '2026', '05', '12');
    const gemini = join(home, '.gemini', 'tmp', 'hash', 'chats');
    for (const d of [claude, codex, gemini]) mkdirSync(d, { recursive: true });
    copyFileSync(join(samples, 'claude-code', 'incremental', 'turn-1.jsonl'), session);
    copyFileSync(
      join(samples, 'codex', 'turn-2.jsonl'),
      join(codex, 'rollout-2026-05-12T10-00-00-a1b2c3d4-e5f6-7890-abcd-ef1234567890.jsonl'),
    );
    const geminiName = 'session-2026-01-16T11-01-file-ops-37b7abef.json';
    copyFileSync(join(samples, 'gemini-cli', geminiName), join(gemini, geminiName));
    writeFileSync(join(claude, 'notes.jsonl'), '{"hello":"world"}\n');
    const env = { HOME: home, CLAUDE_CONFIG_DIR: '', CODEX_HOME: '' };
    const first = ctxkit(['usage', 'import', '--dir', store, '--json'], '', env);
    expect(first.code, first.stderr).toBe(0);
    const result = JSON.parse(first.stdout);
    const kinds = result.files
      .filter((f: { added: number }) => f.added > 0)
      .map((f: { kind: string }) => f.kind);
    expect(kinds.sort()).toEqual(['claude-code', 'codex', 'gemini-cli']);
    expect(result.files.find((f: { file: string }) => f.file.endsWith('notes.jsonl')).error.code).toBe(
      'UNSUPPORTED',
    );
    // The session grows: only its new responses are added.
    copyFileSync(join(samples, 'claude-code', 'incremental', 'turn-2.jsonl'), session);
    const grown = JSON.parse(ctxkit(['usage', 'import', '--dir', store, '--json'], '', env).stdout);
    const growth = grown.files.find((f: { file: string }) => f.file === session);
    expect(growth.added).toBeGreaterThan(0);
    expect(growth.added).toBeLessThan(growth.calls);
    expect(grown.added).toBe(growth.added);
    const byTool = json(['usage', '--dir', store, '--by', 'tool']);
    expect(byTool.groups.map((g: { key: string }) => g.key)).toContain('read_file');
  });

  it('names a file of another kind and exits 2, writing nothing', () => {
    const other = join(tmp, 'chat.jsonl');
    writeFileSync(other, '{"role":"user","content":"hi"}\n');
    const store = join(tmp, 'usage-other');
    const r = ctxkit(['usage', 'import', other, '--dir', store]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${other}: not a Claude Code, Codex or Gemini CLI log`);
    expect(existsSync(store) ? readdirSync(store) : []).toEqual([]);
  });

  it('--watch imports the new responses of a log as it grows, and stops on SIGINT', async () => {
    const samples = resolve(RAW_LOG_SAMPLES, 'claude-code/incremental');
    const log = join(tmp, 'watched.jsonl');
    copyFileSync(join(samples, 'turn-1.jsonl'), log);
    const store = join(tmp, 'usage-watch');
    const child = spawn(
      process.execPath,
      [BIN, 'usage', 'import', log, '--dir', store, '--watch', '--interval', '0.1', '--json'],
      { env: { ...process.env, NO_COLOR: '' } },
    );
    const expected = readAgentLog(join(samples, 'turn-2.jsonl')).calls.length;
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const lines = createInterface({ input: child.stdout });
    let added = 0;
    let rounds = 0;
    // A just-written log keeps its last response back until it has been quiet for a while, then it is
    // retried: read rounds until every response of the grown log is in.
    await new Promise<void>((done) => {
      lines.on('line', (line) => {
        rounds++;
        added += JSON.parse(line).added;
        if (rounds === 1) {
          // Replaced in one step, so a poll never sees half of it (a half line would wait for the next round).
          copyFileSync(join(samples, 'turn-2.jsonl'), `${log}.tmp`);
          renameSync(`${log}.tmp`, log);
        }
        if (added >= expected) done();
      });
    });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(added).toBe(expected);
    expect(rounds).toBeGreaterThan(1);
    const again = json(['usage', 'import', join(samples, 'turn-2.jsonl'), '--dir', store]);
    expect(again.added).toBe(0);
    expect(again.alreadyStored).toBe(expected);
  });
});

describe('usage views', () => {
  it('daily, weekly, monthly, session, blocks and projects agree; filters, order, breakdown, active block', async () => {
    const store = join(tmp, 'usage-views');
    const tracker = new TokenUsageTracker({
      store: new JsonlUsageStore({ directory: store, flushOnExit: false, durable: false }),
    });
    const now = Date.now();
    const sessions: Array<[string, string, number, string, string]> = [
      // id, cwd, first call (ms ago), provider, model
      ['s-old', '/w/alpha', 40 * 86_400_000, 'anthropic', 'jp.anthropic.claude-haiku-4-5-20251001-v1:0'],
      ['s-mid', '/w/beta', 9 * 86_400_000, 'ollama', 'qwen3:8b'],
      ['s-now', '/w/alpha', 50 * 60_000, 'anthropic', 'claude-sonnet-4-5-20250929'],
    ];
    const written: Promise<unknown>[] = [];
    for (const [id, cwd, ago, provider, model] of sessions) {
      tracker.startSession({ provider, model, sessionId: id, meta: { cwd } });
      for (let i = 0; i < 4; i++) {
        written.push(
          tracker.record({
            timestamp: new Date(now - ago + i * 10 * 60_000),
            usage: {
              inputTokens: 20_000 + i,
              cachedInputTokens: 15_000,
              cacheWriteTokens: 2_000,
              outputTokens: 500,
            },
            tools: { [i % 2 ? 'Bash' : 'Read']: { count: 1, resultTokens: 10 } },
          }),
        );
      }
      await tracker.endSession();
    }
    await tracker.close();
    await Promise.all(written);

    const views = ['daily', 'weekly', 'monthly', 'session', 'blocks', 'projects'];
    const reports = views.map((v) => json(['usage', v, '--dir', store]));
    for (const r of reports) {
      expect(r.totals.calls).toBe(12);
      expect(r.totals.totalTokens).toBe(reports[0].totals.totalTokens);
      expect(r.totals.cost).toBeCloseTo(reports[0].totals.cost, 9);
      expect(
        r.groups.reduce((s: number, g: { totals: { cost: number } }) => s + g.totals.cost, 0),
      ).toBeCloseTo(r.totals.cost, 9);
    }
    expect(reports[0].totals.cost).toBeGreaterThan(0);
    expect(reports[5].groups.map((g: { key: string }) => g.key)).toEqual(['/w/alpha', '/w/beta']);

    const day = (ms: number, dash: boolean) =>
      new Date(now - ms)
        .toISOString()
        .slice(0, 10)
        .replace(/-/g, dash ? '-' : '');
    const one = json([
      'usage',
      'daily',
      '--dir',
      store,
      '--since',
      day(9 * 86_400_000, false),
      '--until',
      day(9 * 86_400_000, true),
    ]);
    expect(one.totals.calls).toBe(4);
    expect(json(['usage', 'daily', '--dir', store, '--project', 'alpha']).totals.calls).toBe(8);
    const asc = reports[0].groups.map((g: { key: string }) => g.key);
    expect(
      json(['usage', 'daily', '--dir', store, '--order', 'desc']).groups.map((g: { key: string }) => g.key),
    ).toEqual([...asc].reverse());
    const byCost = json(['usage', 'session', '--dir', store, '--sort', 'cost']);
    expect(byCost.groups.at(-1).key).toBe('s-mid'); // local: $0
    expect(byCost.groups[0].project).toBe('/w/alpha');

    const text = ctxkit(['usage', 'daily', '--dir', store, '--breakdown']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/cache write\s+cache read\s+total tokens\s+cost/);
    expect(text.stdout).toContain('└');
    expect(text.stdout).toContain('local');
    expect(text.stdout).toMatch(/\d{1,3},\d{3}/);

    const active = json(['usage', 'blocks', '--dir', store, '--active']);
    expect(active.groups).toHaveLength(1);
    expect(active.groups[0].block.active).toBe(true);
    expect(active.groups[0].block.projection.totalTokens).toBeGreaterThan(
      active.groups[0].totals.totalTokens,
    );
    expect(ctxkit(['usage', 'blocks', '--dir', store, '--active']).stdout).toMatch(/projected .* tokens/);

    const listed = json(['usage', 'sessions', '--dir', store, '--sort', 'startedAt', '--order', 'asc']);
    expect(listed.map((s: { sessionId: string }) => s.sessionId)).toEqual(['s-old', 's-mid', 's-now']);
    expect(Date.parse(listed[0].startedAt)).toBe(now - 40 * 86_400_000);
    expect(Date.parse(listed[0].lastActivity)).toBe(now - 40 * 86_400_000 + 30 * 60_000);
    expect(listed[0].project).toBe('/w/alpha');
    expect(ctxkit(['usage', 'sessions', '--dir', store]).stdout).toMatch(/project\s+started\s+last activity/);

    const instances = json(['usage', 'daily', '--dir', store, '--instances']);
    expect(Object.keys(instances.projects)).toEqual(['/w/alpha', '/w/beta']);
    expect(instances.projects['/w/alpha'].totals.calls + instances.projects['/w/beta'].totals.calls).toBe(12);
    expect(ctxkit(['usage', 'daily', '--dir', store, '--instances']).stdout).toContain('Project: /w/beta');
    expect(json(['usage', 'session', '--dir', store, '--id', 's-mid']).totals.calls).toBe(4);
    expect(json(['usage', 'daily', '--dir', store, '-z', 'Asia/Tokyo']).timeZone).toBe('Asia/Tokyo');
    const limited = ctxkit(['usage', 'blocks', '--dir', store, '--active', '--token-limit', 'max']);
    expect(limited.stdout).toMatch(/% used, [\d.]+% projected/);
    expect(ctxkit(['usage', 'blocks', '--dir', store, '--token-limit', 'lots']).code).toBe(1);

    const tools = json(['usage', '--dir', store, '--by', 'tool']);
    expect(tools.groups.map((g: { key: string }) => g.key).sort()).toEqual(['Bash', 'Read']);
    expect(ctxkit(['usage', 'daily', '--dir', store, '--since', '20261345']).code).toBe(1);
    expect(ctxkit(['usage', 'daily', '--dir', store, '--order', 'up']).code).toBe(1);
  }, 120_000);
});
