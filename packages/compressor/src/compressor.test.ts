import {
  isCtxkitError,
  type Message,
  repairConversation,
  validateConversation,
  visibleText,
} from '@ctxkit/core';
import { loadTranscripts } from '@ctxkit/test-utils';
import { createTokenizer } from '@ctxkit/tokenizers';
import { describe, expect, it } from 'vitest';
import { floorOf, latestUserIndex } from '../test/protected-floor.js';
import { ContextCompressor, compressContext } from './compressor.js';
import { ledgerItems } from './ledger.js';
import { compactionTag, restoreOriginals } from './summary-message.js';
import type { SummaryRequest } from './types.js';

const tokenizer = createTokenizer('openai', 'gpt-4o');
const transcripts = loadTranscripts();
const reserveTokens = 1000;

/** The first of `names` that is present (the committed sample has fewer transcripts than the full set). */
function named(...names: string[]): Message[] {
  for (const n of names) {
    const t = transcripts.find((x) => x.name === n);
    if (t) return t.messages as Message[];
  }
  throw new Error(`none of ${names.join(', ')} is available`);
}

function checkInvariants(input: Message[], out: Message[], after: number, usable: number) {
  expect(validateConversation(out, { allowPendingCalls: true })).toEqual([]);
  expect(after).toBeLessThanOrEqual(usable);
  expect(tokenizer.countMessages(out)).toBe(after);
  // System and pinned messages verbatim, in order.
  const kept = (m: Message) => m.role === 'system' || m.pinned === true;
  expect(out.filter(kept)).toEqual(input.filter(kept));
  // The task and the latest user message word for word.
  expect(out.find((m) => m.role === 'user')).toEqual(input.find((m) => m.role === 'user'));
  expect(out[latestUserIndex(out)]).toEqual(input[latestUserIndex(input)]);
}

describe('ContextCompressor on real transcripts', () => {
  it('returns the input unchanged below the threshold', async () => {
    const msgs = transcripts.find((t) => t.messages.length > 10)!.messages as Message[];
    const before = tokenizer.countMessages(msgs);
    const r = await new ContextCompressor({ reserveTokens }).compress(msgs, {
      contextLimit: before * 4,
      tokenizer,
    });
    expect(r.triggered).toBe(false);
    expect(r.messages).toEqual(msgs);
    expect(r.steps).toEqual([]);
    expect(r.after).toBe(before);
  });

  for (const t of transcripts) {
    it(`keeps every invariant and meets the target when possible: ${t.name}`, async () => {
      const input = (t.messages as Message[]).map((m, i, all) =>
        // Pin one message in the middle (a user or plain assistant message) to check pins survive.
        i === Math.floor(all.length / 2) && m.role !== 'tool' && !m.tool_calls ? { ...m, pinned: true } : m,
      );
      const before = tokenizer.countMessages(input);
      // The window where the request uses 90 % of the free space (what system and pinned messages leave).
      const fixed = tokenizer.countMessages(input.filter((m) => m.role === 'system' || m.pinned === true));
      const usable = fixed + Math.ceil((before - fixed) / 0.9);
      const r = await new ContextCompressor({ reserveTokens }).compress(input, {
        contextLimit: usable + reserveTokens,
        tokenizer,
      });
      expect(r.triggered).toBe(true);
      checkInvariants(input, r.messages, r.after, usable);
      expect(r.after).toBeLessThanOrEqual(r.before);
      if (r.steps.length === 0) expect(r.messages).toEqual(input);
      const goal = Math.min(fixed + Math.floor((usable - fixed) * 0.5), Math.floor(before * 0.7));
      expect(r.goal).toBe(goal);
      // Reachable when the untouchable messages plus a minimal summary message (~100 tokens) fit the goal.
      // (A summary gets at least 400 tokens, above the goal if need be, so its facts survive small windows.)
      if (floorOf(input, tokenizer) + 460 <= goal) {
        expect(r.targetMet).toBe(true);
        expect(r.after).toBeLessThanOrEqual(before * 0.7);
      }
      // Every ledger fact is still in what the model sees; the summary holds all of its own.
      const text = visibleText(r.messages);
      for (const item of ledgerItems(r.ledger)) expect(text).toContain(item);
      if (r.summary !== undefined)
        for (const item of ledgerItems(r.ledger)) expect(r.summary).toContain(item);
      // Originals are kept: one compaction is undone exactly.
      // (Broken transcripts were repaired first; a call still in flight at the end is left alone.)
      const pending = { allowPendingCalls: true };
      const repaired =
        validateConversation(input, pending).length === 0
          ? input
          : repairConversation(input, pending).messages;
      expect(restoreOriginals(r.messages)).toEqual(repaired);
    });
  }

  it('updates the previous summary on a second compaction and keeps its facts', async () => {
    const input = named('claude-code__spotter__subagent', 'gemini-cli__codemie__37b7abef');
    const seen: SummaryRequest[] = [];
    const summarizer = async (req: SummaryRequest) => {
      seen.push(req);
      return `## Objective\nCarry on with the work; ${req.messages.length} messages were summarized.`;
    };
    const compressor = new ContextCompressor({ summarizer, reserveTokens });
    const before = tokenizer.countMessages(input);
    // Small enough that pruning alone cannot reach the goal: the first compaction summarizes.
    const contextLimit = Math.ceil(before / 4) + reserveTokens;
    const first = await compressor.compress(input, { contextLimit, tokenizer });
    expect(first.steps.map((s) => s.kind)).toContain('summarize');
    const grown: Message[] = [
      ...first.messages,
      { role: 'user', content: 'Now never touch the migrations folder, and run the tests again.' },
      {
        role: 'assistant',
        content: `Understood. ${'Running the suite and reading the output. '.repeat(40)}`,
      },
      { role: 'user', content: 'Thanks, keep going.' },
    ];
    const second = await compressor.compress(grown, {
      contextLimit: first.after + reserveTokens,
      tokenizer,
      force: true,
    });
    checkInvariants(grown, second.messages, second.after, first.after);
    const summaries = second.messages.filter((m) => compactionTag(m)?.kind === 'summary');
    expect(summaries).toHaveLength(1);
    const last = seen[seen.length - 1]!;
    expect(last.previousSummary).toContain('## Objective');
    for (const item of ledgerItems(first.ledger)) expect(second.summary).toContain(item);
    expect(second.ledger.constraints).toContain(
      'Now never touch the migrations folder, and run the tests again.',
    );
    // Every original message comes back.
    const restored = restoreOriginals(second.messages).map((m) => JSON.stringify(m));
    for (const m of input) expect(restored).toContain(JSON.stringify(m));
  });

  it('falls back deterministically after maxAttempts when the summarizer hangs, throws or pads', async () => {
    const input = named('gemini-cli__codemie__37b7abef');
    const before = tokenizer.countMessages(input);
    const contextLimit = Math.ceil(before / 4) + reserveTokens;
    const behaviours: [string, (r: SummaryRequest) => Promise<string>, RegExp][] = [
      ['hangs', () => new Promise<string>(() => {}), /timed out|no time left/],
      ['throws', async () => Promise.reject(new Error('503 from provider')), /503 from provider/],
      ['pads', async (r) => visibleText(r.messages).repeat(2), /not smaller|over its budget/],
    ];
    for (const [, fn, reason] of behaviours) {
      let calls = 0;
      const summarizer = (r: SummaryRequest) => {
        calls++;
        return fn(r);
      };
      const r = await new ContextCompressor({
        summarizer,
        reserveTokens,
        maxAttempts: 3,
        attemptTimeoutMs: 200,
      }).compress(input, { contextLimit, tokenizer });
      // A hanging summarizer may lose its last attempt to the overall deadline (attempts × timeout).
      expect(calls).toBeGreaterThanOrEqual(2);
      expect(calls).toBeLessThanOrEqual(3);
      const step = r.steps.find((s) => s.kind === 'fallback-summary')!;
      expect(step.failures).toHaveLength(3);
      for (const f of step.failures!) expect(f).toMatch(reason);
      checkInvariants(input, r.messages, r.after, contextLimit - reserveTokens);
    }
  });

  it('appends the ledger items an LLM summary leaves out in a Facts section', async () => {
    const input: Message[] = [
      { role: 'system', content: 'You are a coding agent.' },
      { role: 'user', content: 'Fix the failing build. You must not change the public API.' },
      ...Array.from({ length: 6 }, (_, k): Message[] => [
        {
          role: 'assistant',
          content: `Step ${k}: checking.`,
          tool_calls: [
            {
              id: `c${k}`,
              type: 'function',
              function: {
                name: 'Bash',
                arguments: JSON.stringify({ command: `npm run build --workspace=pkg${k}` }),
              },
            },
          ],
        },
        {
          role: 'tool',
          tool_call_id: `c${k}`,
          content: `Error: Exit code 2\nsrc/pkg${k}.ts(3,1): error TS2304: Cannot find name 'x${k}'.\n${'log line\n'.repeat(200)}`,
        },
      ]).flat(),
      { role: 'user', content: 'Any progress?' },
      { role: 'assistant', content: 'Yes.' },
    ];
    const r = await new ContextCompressor({
      summarizer: async () =>
        'The agent investigated the build failures across several packages in the workspace.',
      reserveTokens: 100,
      protectToolTokens: 0,
    }).compress(input, { contextLimit: 1200, tokenizer, force: true });
    expect(r.summary).toMatch(/## Facts/);
    expect(r.ledger.commands.map((c) => c.exitCode)).toContain(2);
    expect(r.ledger.constraints).toEqual([]); // the constraint is in the first user message, which stays
    for (const item of ledgerItems(r.ledger)) expect(r.summary).toContain(item);
    expect(r.ledger.errors.some((e) => e.includes('error TS2304'))).toBe(true);
  });

  it('stops at the cheapest stage that reaches the goal', async () => {
    const big = 'export const value = 1;\n'.repeat(400);
    const read = (id: string): Message[] => [
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { id, type: 'function', function: { name: 'Read', arguments: '{"file_path":"/repo/src/a.ts"}' } },
        ],
      },
      { role: 'tool', tool_call_id: id, content: big },
    ];
    const input: Message[] = [
      { role: 'user', content: 'Refactor a.ts.' },
      ...read('r1'),
      ...read('r2'),
      ...read('r3'),
      { role: 'user', content: 'Continue.' },
      { role: 'assistant', content: 'Done.' },
    ];
    const before = tokenizer.countMessages(input);
    const r = await new ContextCompressor({ reserveTokens: 0, protectToolTokens: 0 }).compress(input, {
      contextLimit: Math.ceil(before / 0.85),
      tokenizer,
    });
    expect(r.steps.map((s) => s.kind)).toEqual(['supersede']);
    expect(r.messages.filter((m) => compactionTag(m)?.kind === 'stub')).toHaveLength(2);
    expect(r.messages[6]).toEqual(input[6]); // the newest read stays whole
    expect(restoreOriginals(r.messages)).toEqual(input);
  });

  it('compressContext is the original entry point and counts the caller’s extra tokens', async () => {
    const input = named('gemini-cli__codemie__37b7abef');
    const own = tokenizer.countMessages(input);
    const r = await compressContext(input, own + 500, Math.ceil((own + 500) / 0.8), tokenizer);
    // The transcript ends on an unanswered call: its repair adds a synthetic result to the count.
    expect(r.before).toBeGreaterThanOrEqual(own + 500);
    expect(r.triggered).toBe(true);
    expect(r.after).toBeLessThanOrEqual(r.goal);
    expect(validateConversation(r.messages)).toEqual([]);
  });

  it('rejects bad arguments with typed errors and repairs a broken input', async () => {
    const c = new ContextCompressor();
    const msgs: Message[] = [{ role: 'user', content: 'hi' }];
    await expect(c.compress(msgs, { contextLimit: 0, tokenizer })).rejects.toSatisfy((e) =>
      isCtxkitError(e, 'INVALID_ARGUMENT'),
    );
    await expect(c.compress(msgs, { contextLimit: 100, tokenizer: {} as never })).rejects.toSatisfy((e) =>
      isCtxkitError(e, 'INVALID_ARGUMENT'),
    );
    expect(() => new ContextCompressor({ threshold: 1.5 })).toThrow(/threshold/);
    expect(() => new ContextCompressor({ treshold: 0.5 } as never)).toThrow(/did you mean "threshold"/);
    await expect(
      c.compress(msgs, { contextLimit: 100, tokenizer, extraToken: 5 } as never),
    ).rejects.toSatisfy(
      (e) => isCtxkitError(e, 'INVALID_ARGUMENT') && /did you mean "extraTokens"/.test(e.message),
    );
    await expect(c.compress(msgs, undefined as never)).rejects.toSatisfy((e) =>
      isCtxkitError(e, 'INVALID_ARGUMENT'),
    );
    // A system prompt alone over the window cannot be shortened: the typed error carries the figures.
    await expect(
      c.compress(
        [
          { role: 'system', content: 'Please read every line of this request. '.repeat(200) },
          { role: 'user', content: 'hi' },
        ],
        { contextLimit: 200, tokenizer, force: true },
      ),
    ).rejects.toSatisfy(
      (e) =>
        isCtxkitError(e, 'BUDGET_EXCEEDED') &&
        typeof e.details?.protectedTokens === 'number' &&
        e.details.budget === 175,
    );
    const broken: Message[] = [
      { role: 'user', content: 'go' },
      { role: 'tool', tool_call_id: 'ghost', content: 'orphan' },
      { role: 'assistant', content: 'ok' },
    ];
    const r = await c.compress(broken, { contextLimit: 100_000, tokenizer });
    expect(validateConversation(r.messages)).toEqual([]);
  });
});

describe('ContextCompressor with a Qwen2 vocabulary (a local model through Ollama)', () => {
  const qwen = createTokenizer('ollama', 'qwen2.5:7b');
  // All three are in the committed sample too.
  for (const name of [
    'gemini-cli__codemie__37b7abef',
    'mini-swe-agent__github_issue',
    'claude-code__spotter__tool_hea',
  ]) {
    it(`keeps the invariants counted in Qwen tokens: ${name}`, async () => {
      const input = named(name);
      const before = qwen.countMessages(input);
      const usable = Math.ceil(before / 0.9);
      const r = await new ContextCompressor({ reserveTokens }).compress(input, {
        contextLimit: usable + reserveTokens,
        tokenizer: qwen,
      });
      expect(validateConversation(r.messages)).toEqual([]);
      expect(r.after).toBe(qwen.countMessages(r.messages));
      expect(r.after).toBeLessThanOrEqual(r.goal);
      expect(r.messages.find((m) => m.role === 'user')).toEqual(input.find((m) => m.role === 'user'));
      for (const item of ledgerItems(r.ledger)) expect(visibleText(r.messages)).toContain(item);
    });
  }
});

describe('metadata from elsewhere', () => {
  it('ignores a malformed ctxkit tag instead of crashing, and undoes nothing it did not do', async () => {
    const input: Message[] = [
      { role: 'user', content: 'Start.' },
      { role: 'user', content: 'fake', metadata: { ctxkit: { kind: 'summary', originals: 'nope' } } },
      { role: 'assistant', content: `Working. ${'More detail about the work. '.repeat(80)}` },
      { role: 'user', content: 'Continue.' },
      { role: 'assistant', content: 'Sure.' },
    ];
    const r = await new ContextCompressor({ reserveTokens: 0 }).compress(input, {
      contextLimit: tokenizer.countMessages(input),
      tokenizer,
      force: true,
    });
    expect(validateConversation(r.messages)).toEqual([]);
    expect(restoreOriginals(r.messages)).toEqual(input);
    expect(compactionTag(input[1]!)).toBeUndefined();
  });
});
