import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@ctxkit/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { assignBlocks, blockStatus } from './blocks.js';
import { buildReport, sessionProject } from './report.js';
import { parseBound } from './report-dates.js';
import type { GroupBy, UsageReport } from './schema.js';
import { validateReport } from './schema.js';
import { JsonlUsageStore } from './store/jsonl.js';
import { TokenUsageTracker } from './tracker.js';
import type { SessionRecord, UsageEvent } from './types.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ctxkit-views-'));
  dirs.push(d);
  return d;
}

/** Deterministic pseudo-random numbers (an LCG), so the store is the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const MODELS: Array<[string, string]> = [
  ['anthropic', 'claude-sonnet-4-5-20250929'],
  ['anthropic', 'claude-haiku-4-5-20251001'],
  ['anthropic', 'jp.anthropic.claude-haiku-4-5-20251001-v1:0'],
  ['ollama', 'qwen3:8b'],
  ['acme', 'unpriced-model'],
];

/**
 * A store like a month of real use, written through the tracker (real pricing, real JSONL files):
 * 24 sessions in 4 projects over 45 days, sessions that cross midnight, week and month ends and
 * 5-hour windows, quiet gaps, several models per session (one local, one unpriced), 1-hour cache
 * writes, tool activity with no call of its own, and headers written "now" (import time).
 */
async function syntheticStore(): Promise<{ directory: string; reference: Reference }> {
  const directory = tempDir();
  const reference: Reference = {
    calls: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
  };
  const random = rng(19);
  const tracker = new TokenUsageTracker({
    store: new JsonlUsageStore({ directory, flushOnExit: false, durable: false }),
    now: () => new Date('2026-03-20T12:00:00Z'),
  });
  const projects = ['/home/u/code/alpha', '/home/u/code/beta', '-home-u-code-gamma', ''];
  let t = Date.parse('2026-01-27T21:10:00Z');
  // Not awaited one by one: each record() settles on the store's next flush; close() flushes all.
  const written: Promise<unknown>[] = [];
  for (let s = 0; s < 24; s++) {
    t += Math.floor(random() * 40 * 3_600_000);
    const project = projects[s % projects.length]!;
    tracker.startSession({
      provider: 'anthropic',
      model: MODELS[0]![1],
      sessionId: `session-${s}`,
      ...(project ? { meta: { cwd: project } } : {}),
    });
    const calls = 5 + Math.floor(random() * 60);
    for (let c = 0; c < calls; c++) {
      // Mostly seconds apart; now and then a break of up to 7 hours (a new 5-hour block).
      t += random() < 0.05 ? Math.floor(random() * 7 * 3_600_000) : Math.floor(random() * 240_000);
      const [provider, model] = MODELS[Math.floor(random() * random() * MODELS.length)]!;
      const cached = Math.floor(random() * 150_000);
      const write = Math.floor(random() * 8_000);
      const write1h = random() < 0.3 ? Math.floor(write * random()) : 0;
      const plain = Math.floor(random() * 3_000);
      if (random() < 0.1) {
        tracker.trackToolUsage('bash', Math.floor(random() * 4_000));
        written.push(
          tracker.record({
            usage: { inputTokens: 0, outputTokens: 0 },
            kind: 'tool',
            timestamp: new Date(t),
          }),
        );
        continue;
      }
      const output = Math.floor(random() * 4_000);
      reference.calls++;
      reference.inputTokens += plain + cached + write;
      reference.cachedInputTokens += cached;
      reference.cacheWriteTokens += write;
      reference.outputTokens += output;
      written.push(
        tracker.record({
          provider,
          model,
          timestamp: new Date(t),
          usage: {
            inputTokens: plain + cached + write,
            cachedInputTokens: cached,
            cacheWriteTokens: write,
            cacheWrite1hTokens: write1h,
            outputTokens: output,
            reasoningTokens: 0,
          },
          tools: random() < 0.5 ? { read: { count: 1 + Math.floor(random() * 3), resultTokens: 0 } } : {},
        }),
      );
    }
    await tracker.endSession();
  }
  await tracker.close();
  await Promise.all(written);
  return { directory, reference };
}

/** Sums computed straight from what was recorded, apart from any report. */
interface Reference {
  calls: number;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
}

interface RawUsage {
  input_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
  output_tokens?: number;
  cache_creation?: { ephemeral_1h_input_tokens?: number };
}
interface RawLine {
  type?: string;
  timestamp?: string;
  sessionId?: string;
  requestId?: string;
  cwd?: string;
  message?: { id?: string; model?: string; usage?: RawUsage; content?: unknown };
}

// A reference reader of raw Claude Code logs, written for this test from the log format: one record per
// message.id + requestId (its last line; output grows across a response's lines), subagent logs under
// their parent's session, 1-hour writes from cache_creation.
function rawClaudeCodeCalls(root: string) {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.jsonl')) files.push(path);
    }
  };
  walk(root);
  const calls = new Map<
    string,
    { session: string; cwd?: string; t: string; model: string; u: RawUsage; tools: string[] }
  >();
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      let row: RawLine;
      try {
        row = JSON.parse(line);
      } catch {
        continue;
      }
      const m = row?.message;
      if (row?.type !== 'assistant' || !m?.usage || !m.id || !row.timestamp || !row.sessionId) continue;
      const key = `${m.id}:${row.requestId ?? ''}`;
      const before = calls.get(key);
      const tools = (Array.isArray(m.content) ? m.content : [])
        .filter((c): c is { type: string; name: unknown } => (c as { type?: string })?.type === 'tool_use')
        .map((c) => String(c.name));
      calls.set(key, {
        session: row.sessionId,
        cwd: row.cwd ?? before?.cwd,
        t: before?.t ?? row.timestamp,
        model: m.model ?? 'unknown',
        u: m.usage,
        tools: [...(before?.tools ?? []), ...tools],
      });
    }
  }
  return [...calls.values()];
}

async function storeFromRawLogs(root: string): Promise<{ directory: string; reference: Reference }> {
  const directory = tempDir();
  const tracker = new TokenUsageTracker({
    store: new JsonlUsageStore({ directory, flushOnExit: false, durable: false }),
  });
  const calls = rawClaudeCodeCalls(root);
  const written: Promise<unknown>[] = [];
  const bySession = new Map<string, typeof calls>();
  for (const c of calls) bySession.set(c.session, [...(bySession.get(c.session) ?? []), c]);
  const reference: Reference = {
    calls: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
  };
  for (const [session, list] of bySession) {
    const cwd = list.find((c) => c.cwd)?.cwd;
    tracker.startSession({
      provider: 'anthropic',
      model: list[0]!.model,
      sessionId: session,
      ...(cwd ? { meta: { cwd } } : {}),
    });
    for (const [i, c] of list.entries()) {
      const read = c.u.cache_read_input_tokens ?? 0;
      const write = c.u.cache_creation_input_tokens ?? 0;
      const input = (c.u.input_tokens ?? 0) + read + write;
      reference.calls++;
      reference.inputTokens += input;
      reference.cachedInputTokens += read;
      reference.cacheWriteTokens += write;
      reference.outputTokens += c.u.output_tokens ?? 0;
      const tools: Record<string, { count: number; resultTokens: number }> = {};
      for (const name of c.tools) tools[name] = { count: (tools[name]?.count ?? 0) + 1, resultTokens: 0 };
      written.push(
        tracker.record({
          id: `${session}:${i}`,
          timestamp: c.t,
          provider: 'anthropic',
          model: c.model,
          usage: {
            inputTokens: input,
            cachedInputTokens: read,
            cacheWriteTokens: write,
            cacheWrite1hTokens: c.u.cache_creation?.ephemeral_1h_input_tokens ?? 0,
            outputTokens: c.u.output_tokens ?? 0,
          },
          tools,
        }),
      );
    }
    await tracker.endSession();
  }
  await tracker.close();
  await Promise.all(written);
  return { directory, reference };
}

const VIEWS: GroupBy[] = ['day', 'week', 'month', 'session', 'block', 'project', 'model'];
const BUCKETS = [
  'inputTokens',
  'cachedInputTokens',
  'cacheWriteTokens',
  'outputTokens',
  'totalTokens',
] as const;

/** Every view's groups sum to its totals, and every view's totals are the same. */
async function expectEqualTotals(
  directory: string,
  timeZone: string,
  reference: Reference,
): Promise<UsageReport[]> {
  const tracker = new TokenUsageTracker({
    store: new JsonlUsageStore({ directory, flushOnExit: false, durable: false }),
  });
  const reports: UsageReport[] = [];
  for (const groupBy of VIEWS) reports.push(await tracker.report({ groupBy, timeZone }));
  await tracker.close();
  const first = reports[0]!;
  expect(first.warnings.filter((w) => !w.includes('no price'))).toEqual([]);
  for (const key of Object.keys(reference) as Array<keyof Reference>)
    expect(first.totals[key], `reference ${key}`).toBe(reference[key]);
  for (const report of reports) {
    expect(validateReport(report), report.groupBy).toEqual([]);
    for (const key of [...BUCKETS, 'calls', 'toolCalls', 'unpricedCalls'] as const) {
      expect(report.totals[key], `${report.groupBy} ${key}`).toBe(first.totals[key]);
      expect(
        report.groups.reduce((s, g) => s + g.totals[key], 0),
        `${report.groupBy} groups ${key}`,
      ).toBe(report.totals[key]);
    }
    expect(report.totals.cost).toBeCloseTo(first.totals.cost!, 6);
    expect(report.groups.reduce((s, g) => s + (g.totals.cost ?? 0), 0)).toBeCloseTo(report.totals.cost!, 6);
    for (const g of report.groups) {
      const models = g.byModel.reduce((s, m) => s + m.totalTokens, 0);
      expect(models, `${report.groupBy} ${g.key} by model`).toBe(g.totals.totalTokens);
    }
  }
  return reports;
}

describe('report views over a realistic store', () => {
  it('daily = weekly = monthly = session = blocks = project totals (tokens and cost), in two zones', async () => {
    const { directory, reference } = await syntheticStore();
    const utc = await expectEqualTotals(directory, 'UTC', reference);
    const tokyo = await expectEqualTotals(directory, 'Asia/Tokyo', reference);
    const byView = (reports: UsageReport[], groupBy: GroupBy) => reports.find((r) => r.groupBy === groupBy)!;
    // The grouping did real work: many days and blocks, several projects, and the zone moved days.
    expect(byView(utc, 'day').groups.length).toBeGreaterThan(10);
    expect(byView(utc, 'block').groups.length).toBeGreaterThan(byView(utc, 'session').groups.length / 2);
    expect(
      byView(utc, 'project')
        .groups.map((g) => g.key)
        .sort(),
    ).toEqual(['(no project)', '-home-u-code-gamma', '/home/u/code/alpha', '/home/u/code/beta']);
    expect(byView(tokyo, 'day').groups.map((g) => g.key)).not.toEqual(
      byView(utc, 'day').groups.map((g) => g.key),
    );
    // Local calls are priced 0 and counted as such; the unknown model is the only unpriced one.
    const models = byView(utc, 'model').byModel;
    expect(models.find((m) => m.model === 'qwen3:8b')!.localCalls).toBe(
      models.find((m) => m.model === 'qwen3:8b')!.calls,
    );
    expect(models.find((m) => m.model === 'qwen3:8b')!.cost).toBe(0);
    expect(byView(utc, 'day').totals.unpricedCalls).toBe(
      models.find((m) => m.model === 'unpriced-model')!.calls,
    );
    expect(models.find((m) => m.model.startsWith('jp.'))!.cost).toBeGreaterThan(0);
  }, 60_000);

  // The shared raw logs sit beside the repository (../shared from the repo root).
  const rawRoot = join(REPO_ROOT, '../shared/data/raw-logs/claude-code');
  it.runIf(existsSync(rawRoot))(
    'real Claude Code logs: every view sums to the raw-line reference',
    async () => {
      const { directory, reference } = await storeFromRawLogs(rawRoot);
      await expectEqualTotals(directory, 'UTC', reference);
      const tools = await new TokenUsageTracker({
        store: new JsonlUsageStore({ directory, flushOnExit: false, durable: false }),
      }).report({ groupBy: 'tool' });
      expect(tools.groups.map((g) => g.key)).toEqual(expect.arrayContaining(['Bash', 'Read']));
    },
    120_000,
  );
});

const call = (id: string, timestamp: string, extra: Partial<UsageEvent> = {}): UsageEvent => ({
  id,
  sessionId: 's',
  timestamp,
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  usage: {
    inputTokens: 1000,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 200,
    reasoningTokens: 0,
  },
  source: 'provider',
  cost: { amount: 0.01, currency: 'USD', pricingVersion: 'test' },
  ...extra,
});

describe('5-hour blocks', () => {
  it('a block starts at the hour of its first event and ends after 5 hours or a 5-hour gap', () => {
    const events = [
      call('a', '2026-01-01T10:55:00Z'),
      call('b', '2026-01-01T14:59:00Z'), // inside 10:00–15:00
      call('c', '2026-01-01T15:01:00Z'), // past the window: new block at 15:00
      call('d', '2026-01-01T20:30:00Z'), // 5h29 after c: new block at 20:00
    ];
    const spans = assignBlocks(events);
    expect(events.map((e) => new Date(spans.get(e)!.start).toISOString().slice(11, 16))).toEqual([
      '10:00',
      '10:00',
      '15:00',
      '20:00',
    ]);
    const report = buildReport(events, { groupBy: 'block', now: new Date('2026-01-02T00:00:00Z') });
    expect(report.groups.map((g) => g.totals.calls)).toEqual([2, 1, 1]);
    expect(report.groups[0]!.block).toMatchObject({
      end: '2026-01-01T15:00:00.000Z',
      firstActivity: '2026-01-01T10:55:00.000Z',
      lastActivity: '2026-01-01T14:59:00.000Z',
      active: false,
      projection: null,
    });
  });

  it('the active block has a burn rate and a projection to its end; activeBlock keeps only it', () => {
    const events = [
      call('old', '2026-01-01T01:00:00Z'),
      call('a', '2026-01-01T10:00:00Z'),
      call('b', '2026-01-01T11:00:00Z'),
    ];
    const now = new Date('2026-01-01T12:00:00Z');
    const active = buildReport(events, { groupBy: 'block', activeBlock: true, now });
    expect(active.groups).toHaveLength(1);
    expect(active.totals.calls).toBe(2);
    const block = active.groups[0]!.block!;
    expect(block.active).toBe(true);
    // 2,400 tokens over 60 minutes = 40/min; 180 minutes left → 2,400 + 7,200.
    expect(block.burnRate!.tokensPerMinute).toBeCloseTo(40, 9);
    expect(block.burnRate!.costPerHour).toBeCloseTo(0.02, 9);
    expect(block.projection).toEqual({ totalTokens: 9600, cost: 0.08, remainingMinutes: 180 });
    // Nothing active 6 hours after the last call.
    const later = buildReport(events, {
      groupBy: 'block',
      activeBlock: true,
      now: new Date('2026-01-01T17:01:00Z'),
    });
    expect(later.groups).toEqual([]);
    expect(blockStatus(assignBlocks(events).get(events[0]!)!, { totalTokens: 1, cost: 0 }, now).active).toBe(
      false,
    );
  });
});

describe('filters and order', () => {
  const events = [
    call('a', '2026-01-30T23:30:00Z', { sessionId: 'x' }),
    call('b', '2026-01-31T12:00:00Z', {
      sessionId: 'y',
      cost: { amount: 5, currency: 'USD', pricingVersion: 't' },
    }),
    call('c', '2026-02-01T00:30:00Z', { sessionId: 'z' }),
  ];
  const sessions: SessionRecord[] = [
    {
      sessionId: 'x',
      startedAt: '2026-03-01T00:00:00Z',
      provider: 'anthropic',
      model: 'm',
      meta: { cwd: '/w/alpha' },
    },
    {
      sessionId: 'y',
      startedAt: '2026-03-01T00:00:00Z',
      provider: 'anthropic',
      model: 'm',
      meta: { project: 'beta' },
    },
    {
      sessionId: 'z',
      startedAt: '2026-03-01T00:00:00Z',
      provider: 'anthropic',
      model: 'm',
      meta: { cwd: '/w/alpha' },
    },
  ];

  it('bare days (20260131, 2026-01-31) are whole days in the zone; until includes its day', () => {
    expect(parseBound('20260131', 'until')!.toISOString()).toBe('2026-01-31T23:59:59.999Z');
    expect(parseBound('2026-01-31', 'since')!.toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(parseBound('20260131', 'since', 'Asia/Tokyo')!.toISOString()).toBe('2026-01-30T15:00:00.000Z');
    expect(parseBound('2026-01-31', 'until', 'America/New_York')!.toISOString()).toBe(
      '2026-02-01T04:59:59.999Z',
    );
    expect(() => parseBound('20260231', 'since')).toThrow(/invalid since/);
    const jan31 = buildReport(events, { since: '20260131', until: '20260131', now: new Date(0) });
    expect(jan31.totals.calls).toBe(1);
    // In Tokyo, 2026-01-31 runs from 01-30T15:00Z to 01-31T15:00Z.
    const tokyo = buildReport(events, { since: '2026-01-31', until: '2026-01-31', timeZone: 'Asia/Tokyo' });
    expect(tokyo.totals.calls).toBe(2);
  });

  it('project filter and grouping come from session meta; sessions carry their project', () => {
    const byProject = buildReport(events, { groupBy: 'project', sessions, now: new Date(0) });
    expect(byProject.groups.map((g) => [g.key, g.totals.calls, g.sessions])).toEqual([
      ['/w/alpha', 2, 2],
      ['beta', 1, 1],
    ]);
    const alpha = buildReport(events, { groupBy: 'session', sessions, project: 'alpha', now: new Date(0) });
    expect(alpha.project).toBe('alpha');
    expect(alpha.groups.map((g) => [g.key, g.project])).toEqual([
      ['x', '/w/alpha'],
      ['z', '/w/alpha'],
    ]);
    expect(sessionProject(undefined)).toBe('(no project)');
  });

  it('order asc|desc and sort by cost', () => {
    const asc = buildReport(events, { groupBy: 'day', now: new Date(0) }).groups.map((g) => g.key);
    expect(asc).toEqual(['2026-01-30', '2026-01-31', '2026-02-01']);
    expect(buildReport(events, { groupBy: 'day', order: 'desc' }).groups.map((g) => g.key)).toEqual(
      [...asc].reverse(),
    );
    expect(buildReport(events, { groupBy: 'session', sort: 'cost' }).groups[0]!.key).toBe('y');
    expect(() => buildReport(events, { order: 'up' as never })).toThrow(/order/);
  });

  it('--by tool groups by the tool names events carry', () => {
    const report = buildReport(
      [
        call('a', '2026-01-01T00:00:00Z', {
          tools: { Bash: { count: 2, resultTokens: 30 }, Read: { count: 1, resultTokens: 5 } },
        }),
        call('b', '2026-01-01T00:01:00Z', { tools: { Bash: { count: 1, resultTokens: 10 } } }),
        call('c', '2026-01-01T00:02:00Z'),
      ],
      { groupBy: 'tool' },
    );
    expect(new Map(report.groups.map((g) => [g.key, g.totals.toolCalls]))).toEqual(
      new Map([
        ['Bash', 3],
        ['Read', 1],
        ['(no tool)', 0],
      ]),
    );
  });
});

describe('sessions()', () => {
  it('start and last activity are the events’ own times, not the header’s (import) time', async () => {
    const directory = tempDir();
    const tracker = new TokenUsageTracker({
      store: new JsonlUsageStore({ directory, flushOnExit: false, durable: false }),
      now: () => new Date('2026-06-01T00:00:00Z'), // the import runs long after the session
    });
    tracker.startSession({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      sessionId: 'old',
      meta: { cwd: '/p/q' },
    });
    await tracker.record({ usage: { inputTokens: 10, outputTokens: 1 }, timestamp: '2026-01-02T03:04:05Z' });
    await tracker.record({ usage: { inputTokens: 10, outputTokens: 1 }, timestamp: '2026-01-02T09:00:00Z' });
    await tracker.endSession();
    tracker.startSession({ provider: 'anthropic', model: 'claude-opus-4-1', sessionId: 'dear' });
    await tracker.record({
      usage: { inputTokens: 900_000, outputTokens: 10 },
      timestamp: '2026-01-01T00:00:00Z',
    });
    await tracker.close();
    const reader = new TokenUsageTracker({
      store: new JsonlUsageStore({ directory, flushOnExit: false, durable: false }),
    });
    const [first, second] = await reader.sessions();
    expect(first).toMatchObject({
      sessionId: 'old',
      startedAt: '2026-01-02T03:04:05.000Z',
      lastActivity: '2026-01-02T09:00:00.000Z',
      project: '/p/q',
    });
    expect(second!.sessionId).toBe('dear');
    expect((await reader.sessions({ sort: 'cost' }))[0]!.sessionId).toBe('dear');
    expect((await reader.sessions({ project: 'q' })).map((s) => s.sessionId)).toEqual(['old']);
    await reader.close();
  });
});
