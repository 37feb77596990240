import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { acpPrompt, renderQwenChat, type ScriptedServer, startScriptedServer } from '@ctxkit/test-utils';
import { createVocabularyTokenizer } from '@ctxkit/tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hookFlags,
  makeSandbox,
  NANOCODER_CLI,
  node22,
  runCli,
  type Sandbox,
} from '../test/run-nanocoder.js';
import { FILES, PROMPT, sessionFiles, sessionTurns } from '../test/session.js';

// The real Nanocoder CLI, headless (`--plain --json run`), against a loopback
// OpenAI-compatible server that rejects any request over an 8k window counted
// with the exact Qwen2 vocabulary — the way a small local model fails.
const CONTEXT = 8192;
const MODEL = 'qwen2.5-coder:7b';
const qwen = createVocabularyTokenizer('qwen2');
const node = node22();

interface Outcome {
  code: number | null;
  json: { kind?: string; finalText?: string } | undefined;
  seen: ScriptedServer['seen'];
  sandbox: Sandbox;
  stderr: string;
}

/**
 * The Node to run Nanocoder with, the scripted model server (rejecting requests over CONTEXT tokens)
 * and a sandbox whose Nanocoder config points at it with `configuredWindow` as the context window.
 */
async function scriptedSetup(
  configuredWindow: number,
  summaryFault?: 'error' | 'hang' | 'garbage',
): Promise<{ node: string; server: ScriptedServer; sandbox: Sandbox }> {
  if (!node) throw new Error('no Node >= 22 (system or the `node` npm package): run pnpm install');
  const server = await startScriptedServer({
    turns: sessionTurns(),
    ...(summaryFault ? { summaryFault } : {}),
    contextLimit: CONTEXT,
    model: MODEL,
    countRequest: (body) => qwen.countTokens(renderQwenChat(body)),
  });
  const sandbox = makeSandbox(sessionFiles(90), [
    { name: 'local', baseUrl: server.url, models: [MODEL], contextWindow: configuredWindow },
  ]);
  return { node, server, sandbox };
}

async function session(
  withCtxkit: boolean,
  configuredWindow = CONTEXT,
  fault?: { summary: 'error' | 'hang' | 'garbage'; env: Record<string, string> },
): Promise<Outcome> {
  const { node, server, sandbox } = await scriptedSetup(configuredWindow, fault?.summary);
  try {
    const run = await runCli(
      node,
      sandbox,
      ['--plain', '--json', '--trust-directory', '--mode', 'yolo', 'run', PROMPT],
      // A loaded 2-core machine runs several Nanocoders at once: a generous bound, not a timing claim.
      { withCtxkit, timeoutMs: 150_000, ...(fault ? { env: fault.env } : {}) },
    );
    let json: Outcome['json'];
    try {
      json = JSON.parse(run.stdout) as Outcome['json'];
    } catch {
      json = undefined;
    }
    return { code: run.code, json, seen: [...server.seen], sandbox, stderr: run.stderr };
  } finally {
    await server.close();
  }
}

describe('real Nanocoder, headless, 8k window', () => {
  let without: Outcome;
  let withCtxkit: Outcome;
  let misconfigured: Outcome;
  beforeAll(async () => {
    qwen.countTokens('warm up'); // load the vocabulary once, outside the runs
    [without, withCtxkit, misconfigured] = await Promise.all([
      session(false),
      session(true),
      // The window configured for the model is wrong (4x the server's), as with Ollama's num_ctx.
      session(true, CONTEXT * 4),
    ]);
  }, 300_000);
  afterAll(() => {
    for (const o of [without, withCtxkit, misconfigured]) {
      if (o) rmSync(o.sandbox.root, { recursive: true, force: true });
    }
  });

  it('no request carries a duplicate, orphan or unanswered tool-call id', () => {
    for (const o of [without, withCtxkit, misconfigured])
      expect(o.seen.flatMap((r) => r.pairing)).toEqual([]);
  });

  it('overflows without ctxkit: the server rejects a request and the run fails', () => {
    const rejected = without.seen.filter((r) => r.rejected);
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected[0]?.tokens).toBeGreaterThan(CONTEXT);
    expect(without.code).not.toBe(0);
    expect(without.json?.kind).not.toBe('success');
  });

  it('completes with ctxkit: every request fits and the answer keeps every fact', () => {
    expect(withCtxkit.code).toBe(0);
    expect(withCtxkit.json?.kind).toBe('success');
    expect(withCtxkit.seen.every((r) => !r.rejected && r.tokens <= CONTEXT)).toBe(true);
    // The session ran all the way: five reads and the answer.
    expect(withCtxkit.seen.filter((r) => r.kind === 'turn').length).toBe(FILES.length + 1);
    for (const f of FILES) expect(withCtxkit.json?.finalText).toContain(`${f.constant} = ${f.value}`);
    // And it got there by compacting: later requests are smaller than the history they carry.
    const sizes = withCtxkit.seen.map((r) => r.tokens);
    expect(Math.max(...sizes)).toBeLessThan(Math.max(...without.seen.map((r) => r.tokens)));
  });

  it('persists one tracker event per model call in the XDG data dir', () => {
    const dir = join(withCtxkit.sandbox.dataHome, 'ctxkit', 'usage');
    const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    expect(files.length).toBeGreaterThan(0);
    const lines = files
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
      .filter((l) => l.trim().length > 0)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const events = lines.filter(
      (l) => (l.usage as { inputTokens?: number } | undefined)?.inputTokens !== undefined,
    );
    expect(events.length).toBe(withCtxkit.seen.length);
    // The provider-reported prompt sizes, as the server counted them, in order.
    expect(events.map((e) => (e.usage as { inputTokens: number }).inputTokens)).toEqual(
      withCtxkit.seen.map((r) => r.tokens),
    );
    expect(events.every((e) => e.model === MODEL && e.provider === 'local')).toBe(true);
    // Each of the five read turns is stored with the tool it called, so `--by tool` has a name.
    const withTools = events.filter(
      (e) => ((e.tools as Record<string, { count: number }> | undefined)?.read_file?.count ?? 0) > 0,
    );
    expect(withTools.map((e) => (e.tools as Record<string, { count: number }>).read_file?.count)).toEqual(
      FILES.map(() => 1),
    );
    // The results' tokens are booked per tool too, and summary calls are marked as such.
    const booked = events.flatMap((e) => {
      const t = (e.tools as Record<string, { resultTokens: number }> | undefined)?.read_file;
      return t && t.resultTokens > 0 ? [t.resultTokens] : [];
    });
    expect(booked.length).toBe(FILES.length);
    const summaries = withCtxkit.seen.filter((r) => r.kind === 'summary').length;
    expect(events.filter((e) => e.purpose === 'summary').length).toBe(summaries);
    // Each compaction is stored with the call that sent the compacted request, as the server saw it.
    const compactions = events.filter((e) => e.compaction !== undefined);
    expect(compactions.length).toBeGreaterThan(0);
    for (const e of compactions) {
      const c = e.compaction as { before: number; after: number; summarizer: string };
      expect(c.after).toBeLessThan(c.before);
      expect(c.before).toBeGreaterThan((e.usage as { inputTokens: number }).inputTokens);
      expect(c.summarizer.length).toBeGreaterThan(0);
    }
  });

  it('with a wrong configured window: learns the real one from the rejection, compacts and retries once', () => {
    expect(misconfigured.code).toBe(0);
    expect(misconfigured.json?.kind).toBe('success');
    const rejected = misconfigured.seen.filter((r) => r.rejected);
    expect(rejected).toHaveLength(1);
    const after = misconfigured.seen.slice(misconfigured.seen.indexOf(rejected[0] as never) + 1);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((r) => !r.rejected && r.tokens <= CONTEXT)).toBe(true);
    for (const f of FILES) expect(misconfigured.json?.finalText).toContain(`${f.constant} = ${f.value}`);
  });
});

describe('real Nanocoder, headless: the summary model fails', () => {
  const TIMEOUT_MS = 2000;
  const runs: Partial<Record<'error' | 'hang' | 'garbage', Outcome>> = {};
  beforeAll(async () => {
    const env = { CTXKIT_SUMMARIZER: 'model', CTXKIT_SUMMARY_TIMEOUT_MS: String(TIMEOUT_MS) };
    const faults = ['error', 'hang', 'garbage'] as const;
    const outcomes = await Promise.all(faults.map((summary) => session(true, CONTEXT, { summary, env })));
    faults.forEach((f, i) => {
      runs[f] = outcomes[i];
    });
  }, 300_000);
  afterAll(() => {
    for (const o of Object.values(runs)) if (o) rmSync(o.sandbox.root, { recursive: true, force: true });
  });

  it.each([
    ['error', /HTTP 500|500|server_error|crashed/i],
    ['hang', /timed out|timeout|abort/i],
    ['garbage', /garbage|short|empty|invalid/i],
  ] as const)(
    'summary model %s: the task completes, exit 0, stderr says what happened and what took over',
    (fault, why) => {
      const o = runs[fault] as Outcome;
      expect(o.code).toBe(0);
      expect(o.json?.kind).toBe('success');
      for (const f of FILES) expect(o.json?.finalText).toContain(`${f.constant} = ${f.value}`);
      const compactions =
        o.stderr.match(
          /\[ctxkit\] ctxkit compacted the context: [\d,]+ → [\d,]+ tokens \(deterministic summary\)/g,
        ) ?? [];
      expect(compactions.length).toBeGreaterThan(0);
      const failures = o.stderr
        .split('\n')
        .filter((l) => /summary model failed \(.*\); fell back to the deterministic summary/.test(l));
      expect(failures.length).toBe(compactions.length);
      expect(failures[0]).toMatch(why);
      expect(o.seen.flatMap((r) => r.pairing)).toEqual([]);
      expect(o.seen.filter((r) => r.kind === 'turn').every((r) => !r.rejected)).toBe(true);
    },
  );

  it('one attempt per chunk: a hung summary model gets exactly one request per compaction', () => {
    const o = runs.hang as Outcome;
    const compactions = o.stderr.match(/ctxkit compacted the context/g) ?? [];
    expect(o.seen.filter((r) => r.kind === 'summary').length).toBe(compactions.length);
  });
});

describe('real Nanocoder as an ACP server over stdio, 8k window', () => {
  async function acpSession(withCtxkit: boolean) {
    const { node, server, sandbox } = await scriptedSetup(CONTEXT);
    try {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        HOME: sandbox.home,
        XDG_DATA_HOME: sandbox.dataHome,
        XDG_CONFIG_HOME: sandbox.configHome,
      };
      for (const k of ['NODE_ENV', 'VITEST', 'CI']) delete env[k];
      const turn = await acpPrompt(node, [...(withCtxkit ? hookFlags() : []), NANOCODER_CLI, '--acp'], {
        cwd: sandbox.project,
        env,
        prompt: PROMPT,
      });
      return { turn, seen: [...server.seen] };
    } finally {
      await server.close();
      rmSync(sandbox.root, { recursive: true, force: true });
    }
  }

  it('overflows without ctxkit and completes the turn with it (the ACP loop only caps message counts)', async () => {
    const [without, withCtxkit] = await Promise.all([acpSession(false), acpSession(true)]);
    expect([...without.seen, ...withCtxkit.seen].flatMap((r) => r.pairing)).toEqual([]);
    expect(without.seen.some((r) => r.rejected)).toBe(true);
    expect(without.turn.stopReason).not.toBe('end_turn');
    expect(withCtxkit.turn.stopReason).toBe('end_turn');
    expect(withCtxkit.seen.filter((r) => r.kind === 'turn').length).toBe(FILES.length + 1);
    expect(withCtxkit.seen.every((r) => !r.rejected && r.tokens <= CONTEXT)).toBe(true);
  }, 120_000);
});
