import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CtxkitError } from '@ctxkit/core';
import {
  logFilesUnder,
  RAW_LOG_SAMPLES,
  rawLogDir,
  referenceBills,
  referenceResponses,
} from '@ctxkit/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonlUsageStore } from '../store/jsonl.js';
import { TokenUsageTracker } from '../tracker.js';
import type { UsageEvent } from '../types.js';
import { parseClaudeCodeLog } from './claude-code.js';
import { parseCodexRollout } from './codex.js';
import { parseAgentLog, readAgentLog, UNSUPPORTED_LOG } from './detect.js';
import { importAgentLogs } from './import.js';
import { defaultAgentLogLocations, findAgentLogs } from './locations.js';

const FIXTURES = RAW_LOG_SAMPLES;
const fixture = (...parts: string[]) => join(FIXTURES, ...parts);

/** Every Claude Code log: the shared set when present, else the committed sample. */
const CLAUDE_LOGS = logFilesUnder(rawLogDir('claude-code', fixture('claude-code')));

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ctxkit-import-'));
  dirs.push(d);
  return d;
}
function newStore(directory = tempDir()) {
  return new JsonlUsageStore({ directory, durable: false, flushOnExit: false });
}
async function storedEvents(store: JsonlUsageStore): Promise<UsageEvent[]> {
  return (await store.read()).events;
}
const rawLines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

describe('Claude Code import equals the bill computed from the raw lines', () => {
  it('per session and per day: calls, the four buckets and cost', async () => {
    const store = newStore();
    await importAgentLogs(CLAUDE_LOGS, { store });
    const events = await storedEvents(store);
    const responses = referenceResponses(CLAUDE_LOGS);
    expect(events.length).toBe(responses.length);
    for (const [keyOf, eventKey] of [
      [(r: { sessionId: string }) => r.sessionId, (e: UsageEvent) => e.sessionId],
      [(r: { day: string }) => r.day, (e: UsageEvent) => e.timestamp.slice(0, 10)],
    ] as const) {
      const reference = referenceBills(responses, keyOf as (r: (typeof responses)[number]) => string);
      const groups = new Map<string, UsageEvent[]>();
      for (const e of events) groups.set(eventKey(e), [...(groups.get(eventKey(e)) ?? []), e]);
      expect([...groups.keys()].sort()).toEqual([...reference.keys()].sort());
      for (const [key, list] of groups) {
        const ref = reference.get(key)!;
        const sum = (f: (e: UsageEvent) => number) => list.reduce((n, e) => n + f(e), 0);
        expect(
          {
            calls: list.length,
            input: sum((e) => e.usage.inputTokens - e.usage.cachedInputTokens - e.usage.cacheWriteTokens),
            output: sum((e) => e.usage.outputTokens),
            cacheRead: sum((e) => e.usage.cachedInputTokens),
            cacheWrite: sum((e) => e.usage.cacheWriteTokens),
            cacheWrite1h: sum((e) => e.usage.cacheWrite1hTokens ?? 0),
          },
          key,
        ).toEqual({
          calls: ref.calls,
          input: ref.input,
          output: ref.output,
          cacheRead: ref.cacheRead,
          cacheWrite: ref.cacheWrite,
          cacheWrite1h: ref.cacheWrite1h,
        });
        const unpriced = list.filter((e) => e.cost === null);
        // A call the prices cannot name is never a made-up 0: only cloud-route ids may be unpriced here.
        for (const e of unpriced) expect(e.model, key).toMatch(/\/|\.anthropic\./);
        if (unpriced.length === 0)
          expect(
            sum((e) => e.cost!.amount),
            key,
          ).toBeCloseTo(ref.cost!, 9);
      }
    }
    await store.close();
  });

  it('merges the non-consecutive lines of one response into one call whose usage is its last line', () => {
    const file = fixture('claude-code', 'short.jsonl');
    const lines = rawLines(file);
    const byId = new Map<string, number[]>();
    lines.forEach((l, i) => {
      if (l.type === 'assistant' && l.message?.id)
        byId.set(l.message.id, [...(byId.get(l.message.id) ?? []), i]);
    });
    const split = [...byId.values()].filter((ix) => ix[ix.length - 1]! - ix[0]! + 1 !== ix.length);
    expect(split.length).toBeGreaterThan(0); // the sample holds the case
    const log = parseClaudeCodeLog(readFileSync(file, 'utf8'), { file });
    expect(log.calls.length).toBe(byId.size);
    for (const ix of split) {
      const last = lines[ix[ix.length - 1]!];
      const call = log.calls.find((c) => c.id.startsWith(last.message.id))!;
      expect(call.usage.outputTokens).toBe(last.message.usage.output_tokens);
      expect(call.timestamp).toBe(new Date(lines[ix[0]!].timestamp).toISOString());
    }
  });

  it('keeps 1-hour cache writes apart and prices them at 2x input', async () => {
    const file = fixture('claude-code', 'short.jsonl');
    const raw = rawLines(file).filter((l) => l.type === 'assistant');
    const last = new Map(raw.map((l) => [l.message.id, l.message.usage]));
    const expected1h = [...last.values()].reduce(
      (n, u) => n + (u.cache_creation?.ephemeral_1h_input_tokens ?? 0),
      0,
    );
    expect(expected1h).toBeGreaterThan(0);
    const log = parseClaudeCodeLog(readFileSync(file, 'utf8'), { file });
    expect(log.calls.reduce((n, c) => n + (c.usage.cacheWrite1hTokens ?? 0), 0)).toBe(expected1h);
    const store = newStore();
    await importAgentLogs([file], { store });
    const [event] = await storedEvents(store);
    const asFiveMinute = new TokenUsageTracker({ store: newStore() }).pricing.price(
      'anthropic',
      event!.model,
      { ...event!.usage, cacheWrite1hTokens: 0 },
      new Date(event!.timestamp),
    );
    expect(event!.cost!.amount).toBeGreaterThan(asFiveMinute.cost!.amount);
    await store.close();
  });

  it('counts a response logged only as thinking', () => {
    const file = fixture('claude-code', 'thinking-only.jsonl');
    const assistant = rawLines(file).filter((l) => l.type === 'assistant');
    expect(assistant.map((l) => l.message.content.map((b: { type: string }) => b.type))).toEqual([
      ['thinking'],
    ]);
    const log = parseClaudeCodeLog(readFileSync(file, 'utf8'), { file });
    expect(log.calls).toHaveLength(1);
    expect(log.calls[0]!.usage.outputTokens).toBe(assistant[0].message.usage.output_tokens);
  });

  it('reads tool names from the tool_use blocks of every line of a response', () => {
    const file = fixture('claude-code', 'tool_heavy.jsonl');
    const expected: Record<string, number> = {};
    const seen = new Set<string>();
    for (const l of rawLines(file)) {
      if (l.type !== 'assistant') continue;
      for (const b of l.message.content)
        if (b.type === 'tool_use' && !seen.has(b.id)) {
          seen.add(b.id);
          expected[b.name] = (expected[b.name] ?? 0) + 1;
        }
    }
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    const got: Record<string, number> = {};
    for (const c of parseClaudeCodeLog(readFileSync(file, 'utf8'), { file }).calls)
      for (const [name, t] of Object.entries(c.tools ?? {})) got[name] = (got[name] ?? 0) + t.count;
    expect(got).toEqual(expected);
  });

  it('rolls subagent logs into the parent session with their agent id, whatever the argument order', async () => {
    const dir = fixture('claude-code', '-tmp-private');
    const files = readdirSync(dir).map((f) => join(dir, f));
    const results: UsageEvent[][] = [];
    for (const order of [files, [...files].reverse()]) {
      const store = newStore();
      const result = await importAgentLogs(order, { store });
      expect(result.sessions.map((s) => s.sessionId)).toEqual(['4c2ddfdc-b619-4525-8d03-1950fb1b0257']);
      results.push((await storedEvents(store)).sort((a, b) => a.id.localeCompare(b.id)));
      await store.close();
    }
    expect(results[1]).toEqual(results[0]);
    const agents = new Set(results[0]!.map((e) => e.agentId));
    expect(agents).toEqual(new Set([undefined, '36541525', '50243ee8']));
    // A subagent log whose main file is absent still lands in its parent session.
    const lone = fixture(
      'claude-code',
      '258c7280-ae70-4798-800f-63464d01a85d',
      'subagents',
      'agent-acompact-fffbd0.jsonl',
    );
    const log = readAgentLog(lone);
    expect(log.calls.every((c) => c.sessionId === '258c7280-ae70-4798-800f-63464d01a85d')).toBe(true);
    expect(log.calls.every((c) => c.agentId === 'acompact-fffbd0')).toBe(true);
  });

  it('counts a subagent’s responses embedded in the parent log (agent_progress), once each', () => {
    const file = fixture('claude-code', 'agent-progress.jsonl');
    const embedded = rawLines(file).map((l) => l.data.message);
    const ids = new Set(embedded.map((m) => `${m.message.id}:${m.requestId}`));
    const log = readAgentLog(file);
    expect(log.calls.map((c) => c.id).sort()).toEqual([...ids].sort());
    expect(new Set(log.calls.map((c) => c.agentId))).toEqual(
      new Set(rawLines(file).map((l) => l.data.agentId)),
    );
    expect(new Set(log.calls.map((c) => c.sessionId))).toEqual(
      new Set(rawLines(file).map((l) => l.sessionId)),
    );
  });

  it('holds back the last response of a log still being written, and adds it once the log is quiet', async () => {
    const file = join(tempDir(), 'live.jsonl');
    writeFileSync(file, readFileSync(fixture('claude-code', 'tool_heavy.jsonl')));
    const calls = readAgentLog(file).calls;
    const store = newStore();
    const written = statSync(file).mtimeMs;
    const live = await importAgentLogs([file], { store, settleMs: 5000, now: () => written + 1000 });
    expect(live.files[0]!.heldBack).toBe(1);
    expect(live.added).toBe(calls.length - 1);
    expect((await storedEvents(store)).map((e) => e.id)).not.toContain(calls.at(-1)!.id);
    const quiet = await importAgentLogs([file], { store, settleMs: 5000, now: () => written + 6000 });
    expect(quiet.files[0]!.heldBack).toBe(0);
    expect(quiet.added).toBe(1);
    await store.close();
  });

  it('is incremental per response: a grown log adds exactly its new responses, an unchanged one nothing', async () => {
    const turn1 = fixture('claude-code', 'incremental', 'turn-1.jsonl');
    const turn2 = fixture('claude-code', 'incremental', 'turn-2.jsonl');
    const ids = (file: string) => new Set(readAgentLog(file).calls.map((c) => c.id));
    const first = ids(turn1);
    const grown = ids(turn2);
    const fresh = [...grown].filter((id) => !first.has(id));
    expect(fresh.length).toBeGreaterThan(0);
    expect([...first].every((id) => grown.has(id))).toBe(true);
    const store = newStore();
    expect((await importAgentLogs([turn1], { store })).added).toBe(first.size);
    const second = await importAgentLogs([turn2], { store });
    expect(second.added).toBe(fresh.length);
    expect(second.alreadyStored).toBe(first.size);
    expect((await importAgentLogs([turn2, turn1], { store })).added).toBe(0);
    const events = await storedEvents(store);
    expect(events.map((e) => e.id).sort()).toEqual([...grown].sort());
    expect((await store.read()).duplicates).toBe(0);
    // The session starts at its first logged line, not at the import.
    const [summary] = await new TokenUsageTracker({ store }).sessions();
    expect(summary!.startedAt).toBe(
      new Date(rawLines(turn1).find((l) => l.timestamp).timestamp).toISOString(),
    );
    expect(summary!.lastActivity).toBe(
      events
        .map((e) => e.timestamp)
        .sort()
        .at(-1),
    );
    await store.close();
  });
});

describe('Codex CLI and Gemini CLI import', () => {
  it('reads each token_count event’s last_token_usage, cached input inside input', async () => {
    for (const name of ['turn-1.jsonl', 'turn-2.jsonl', 'turn-spawn-skill.jsonl']) {
      const file = fixture('codex', name);
      const counts = rawLines(file).filter((l) => l.payload?.type === 'token_count' && l.payload.info);
      const log = readAgentLog(file);
      expect(log.kind).toBe('codex');
      expect(log.calls.length, name).toBe(counts.length);
      log.calls.forEach((c, i) => {
        const last = counts[i].payload.info.last_token_usage;
        expect(c.usage.inputTokens).toBe(last.input_tokens);
        expect(c.usage.inputTokens - c.usage.cachedInputTokens).toBe(
          last.input_tokens - last.cached_input_tokens,
        );
        expect(c.usage.outputTokens).toBe(last.output_tokens);
        expect(c.timestamp).toBe(counts[i].timestamp);
      });
    }
    const store = newStore();
    const one = await importAgentLogs([fixture('codex', 'turn-1.jsonl')], { store });
    const two = await importAgentLogs([fixture('codex', 'turn-2.jsonl')], { store });
    expect(one.added + two.added).toBe(readAgentLog(fixture('codex', 'turn-2.jsonl')).calls.length);
    expect(two.alreadyStored).toBe(one.added);
    const events = await storedEvents(store);
    const model = rawLines(fixture('codex', 'turn-2.jsonl')).find((l) => l.type === 'turn_context').payload
      .model;
    expect(events.every((e) => e.model === model && e.provider === 'openai')).toBe(true);
    await store.close();
  });

  it('skips the repeated token_count Codex writes when nothing new was billed', () => {
    const file = fixture('codex', 'turn-1.jsonl');
    const text = readFileSync(file, 'utf8');
    const repeat = text
      .split('\n')
      .find((l) => l.includes('"token_count"') && l.includes('total_token_usage'))!;
    const doubled = text.replace(repeat, `${repeat}\n${repeat}`);
    expect(parseCodexRollout(doubled, { file }).calls.length).toBe(
      parseCodexRollout(text, { file }).calls.length,
    );
  });

  it('reads Gemini CLI tokens per message with thoughts as output', () => {
    const file = fixture('gemini-cli', 'session-2026-01-16T11-01-file-ops-37b7abef.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const replies = doc.messages.filter(
      (m: { type: string; tokens?: unknown }) => m.type === 'gemini' && m.tokens,
    );
    const log = readAgentLog(file);
    expect(log.kind).toBe('gemini-cli');
    expect(log.calls.map((c) => c.id)).toEqual(replies.map((m: { id: string }) => m.id));
    log.calls.forEach((c, i) => {
      const t = replies[i].tokens;
      expect(c.usage.outputTokens).toBe(t.output + (t.thoughts ?? 0));
      expect(c.usage.reasoningTokens).toBe(t.thoughts ?? 0);
      expect(c.usage.inputTokens).toBe(t.input + (t.tool ?? 0));
      expect(c.usage.cachedInputTokens).toBe(t.cached);
      expect(c.usage.inputTokens + c.usage.outputTokens).toBe(t.total);
    });
    const tools = log.calls.reduce(
      (n, c) => n + Object.values(c.tools ?? {}).reduce((m, t) => m + t.count, 0),
      0,
    );
    expect(tools).toBe(
      replies.reduce((n: number, m: { toolCalls?: unknown[] }) => n + (m.toolCalls?.length ?? 0), 0),
    );
  });
});

describe('bad input', () => {
  const short = fixture('claude-code', 'short.jsonl');

  it('a line cut mid-way is reported and the rest imported; strict makes it a typed error', () => {
    const text = readFileSync(short, 'utf8').trimEnd();
    const cut = text.slice(0, text.lastIndexOf('\n') + 40);
    const whole = parseClaudeCodeLog(text.slice(0, text.lastIndexOf('\n')));
    const log = parseAgentLog(cut, { file: 'cut.jsonl' });
    expect(log.skipped).toHaveLength(1);
    expect(log.calls).toEqual(whole.calls);
    expect(() => parseAgentLog(cut, { file: 'cut.jsonl', strict: true })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('a 10 MB line and a byte-order mark change nothing', () => {
    const text = readFileSync(short, 'utf8');
    const big = JSON.stringify({
      type: 'user',
      sessionId: 'x',
      message: { role: 'user', content: 'x'.repeat(10 * 1024 * 1024) },
    });
    const expected = parseClaudeCodeLog(text).calls;
    expect(parseAgentLog(`\ufeff${big}\n${text}`).calls).toEqual(expected);
  });

  it('a count the store could not read back is refused, reported, and the rest stored', async () => {
    const text = readFileSync(short, 'utf8');
    const dir = tempDir();
    const file = join(dir, 'huge.jsonl');
    const [first, ...rest] = text.split('\n');
    const huge = JSON.stringify({
      type: 'assistant',
      sessionId: 'huge',
      requestId: 'req_huge',
      timestamp: '2026-02-10T10:00:00.000Z',
      message: {
        id: 'msg_huge',
        model: 'claude-opus-4-6',
        role: 'assistant',
        content: [],
        usage: { input_tokens: 1, output_tokens: 1, cache_read_input_tokens: 1e20 },
      },
    });
    writeFileSync(file, [first, huge, ...rest].join('\n'));
    const store = newStore();
    const result = await importAgentLogs([file], { store });
    expect(result.added).toBe(readAgentLog(short).calls.length);
    expect(result.files[0]!.skipped.map((s) => s.reason)).toEqual([
      expect.stringContaining('msg_huge:req_huge'),
    ]);
    const read = await store.read();
    expect(read.warnings).toEqual([]);
    expect(read.events.length).toBe(result.added);
    await store.close();
  });

  it('an empty file imports nothing; a file of another kind, or a directory, is a typed error naming it', async () => {
    const dir = tempDir();
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '\n');
    const other = join(dir, 'chat.jsonl');
    writeFileSync(other, '{"role":"user","content":"hi"}\n{"role":"assistant","content":"yo"}\n');
    const store = newStore();
    const result = await importAgentLogs([empty], { store });
    expect(result.added).toBe(0);
    const error = await importAgentLogs([short, other], { store }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CtxkitError);
    expect((error as CtxkitError).code).toBe('UNSUPPORTED');
    expect((error as CtxkitError).message).toBe(`${other}: ${UNSUPPORTED_LOG}`);
    expect((await storedEvents(store)).length).toBe(0); // nothing written before every file was read
    const skipped = await importAgentLogs([short, other, dir], { store, unsupported: 'skip' });
    expect(skipped.files.map((f) => f.error?.code)).toEqual([undefined, 'UNSUPPORTED', 'IO_ERROR']);
    expect(skipped.added).toBe(readAgentLog(short).calls.length);
    await store.close();
  });
});

describe('default locations', () => {
  it('reads CLAUDE_CONFIG_DIR (comma-separated), CODEX_HOME and ~/.gemini/tmp, and finds their logs', () => {
    const home = tempDir();
    const a = join(home, 'a');
    const b = join(home, 'b');
    const files = [
      join(a, 'projects', 'p', 's.jsonl'),
      join(b, 'projects', 'q', 't', 'subagents', 'agent-1.jsonl'),
      join(home, '.codex', 'sessions', '2026', '05', '12', 'rollout-x.jsonl'),
      join(home, '.gemini', 'tmp', 'h', 'chats', 'session-1.json'),
    ];
    for (const f of [
      ...files,
      join(home, '.codex', 'sessions', 'notes.txt'),
      join(home, '.gemini', 'tmp', 'h', 'logs.json'),
    ]) {
      mkdirSync(resolve(f, '..'), { recursive: true });
      writeFileSync(f, '');
    }
    const locations = defaultAgentLogLocations({ CLAUDE_CONFIG_DIR: `${a},${b}` }, home);
    expect(locations.map((l) => l.directory)).toEqual([
      join(a, 'projects'),
      join(b, 'projects'),
      join(home, '.codex', 'sessions'),
      join(home, '.gemini', 'tmp'),
    ]);
    expect(findAgentLogs(locations)).toEqual([...files].sort());
    expect(defaultAgentLogLocations({}, home)[1]!.directory).toBe(join(home, '.claude', 'projects'));
  });
});
