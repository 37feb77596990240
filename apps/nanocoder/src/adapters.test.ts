import { validateConversation } from '@ctxkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPerformAutoCompact } from './auto-compact.js';
import { compactNanocoderMessages, splitInFlight } from './compact.js';
import { toCtxkit } from './convert.js';
import { Engine } from './counting-engine.js';
import { ContextGuard } from './guard.js';
import { shimSource } from './loader-hooks.js';
import { overflowWindow } from './overflow.js';
import { createTokenizer } from './tokenizer.js';
import type { NanocoderMessage } from './types.js';
import { toAiSdkUsage } from './usage.js';

const read = (id: string, path: string, size: number): NanocoderMessage[] => [
  {
    role: 'assistant',
    content: '',
    tool_calls: [{ id, function: { name: 'read_file', arguments: { path } } }],
  },
  {
    role: 'tool',
    tool_call_id: id,
    name: 'read_file',
    content: `// ${path}\n${'const value = compute(input) + 1;\n'.repeat(size)}`,
  },
];

/** The task, four 150-line file reads (ids a–d), the assistant's `reply`, then the next request. */
const fourReads = (reply: string): NanocoderMessage[] => [
  { role: 'user', content: 'Refactor the parser.' },
  ...read('a', 'src/parser.ts', 150),
  ...read('b', 'src/lexer.ts', 150),
  ...read('c', 'src/ast.ts', 150),
  ...read('d', 'src/emit.ts', 150),
  { role: 'assistant', content: reply },
  { role: 'user', content: 'Now summarize.' },
];

describe('createTokenizer (Nanocoder contract)', () => {
  it('encode returns a count; instances share one pooled vocabulary and one cache', () => {
    const engine = new Engine();
    const a = createTokenizer('openai', 'gpt-4o', { engine });
    const b = createTokenizer('openrouter', 'openai/gpt-4o-mini', { engine });
    expect(a.encode('hello world')).toBe(2);
    expect(typeof a.countTokens({ role: 'user', content: 'hi' })).toBe('number');
    expect(a.tokenizer.id).toBe(b.tokenizer.id);
    expect(engine.pool.stats().entries ?? engine.pool.stats()).toBeDefined();
    const m: NanocoderMessage = { role: 'user', content: 'count me once' };
    a.countTokens(m);
    b.countTokens(m);
    expect(engine.cache.stats().hits).toBe(1);
    a.free();
    a.free(); // idempotent, and the tokenizer stays usable (it borrows again)
    expect(a.encode('hello world')).toBe(2);
    b.free();
  });

  it('never throws on a malformed Nanocoder message', () => {
    const t = createTokenizer('ollama', 'llama3.1:8b');
    fc.assert(
      fc.property(fc.anything(), (content) => {
        const n = t.countTokens({ role: 'user', content } as unknown as NanocoderMessage);
        return Number.isInteger(n) && n >= 0;
      }),
      { numRuns: 50 },
    );
    t.free();
  });

  it('counts content that String() cannot convert (found by the property above)', () => {
    const t = createTokenizer('ollama', 'llama3.1:8b');
    const odd = (content: unknown) => t.countTokens({ role: 'user', content } as unknown as NanocoderMessage);
    // Kept as its JSON text, not dropped: more tokens than an empty message.
    expect(odd({ toString: '', note: 'keep me' })).toBeGreaterThan(odd(''));
    expect(odd(Object.create(null))).toBeGreaterThanOrEqual(0);
    t.free();
  });
});

describe('ContextGuard', () => {
  const system: NanocoderMessage = { role: 'system', content: 'You are a coding agent.' };
  const task: NanocoderMessage = { role: 'user', content: 'Read the files and report.' };

  it('compacts an over-budget request once and reuses the compaction on the next turn', async () => {
    const guard = new ContextGuard();
    let history: NanocoderMessage[] = [task];
    const sizes: number[] = [];
    for (let i = 0; i < 6; i++) {
      history = [...history, ...read(`c${i}`, `src/f${i}.ts`, 120)];
      const capped = guard.cap(history, 1000);
      const fitted = await guard.fit({
        messages: [system, ...capped],
        provider: 'openai',
        model: 'gpt-4o',
        contextLimit: 8192,
      });
      sizes.push(fitted.after);
      expect(fitted.after).toBeLessThanOrEqual(8192 - 1024);
      expect(fitted.messages[0]).toBe(system);
      expect(
        fitted.messages
          .filter((m) => m.role === 'tool')
          .every((t) => fitted.messages.some((a) => a.tool_calls?.some((c) => c.id === t.tool_call_id))),
      ).toBe(true);
    }
    expect(guard.compactions).toBeGreaterThan(0);
    expect(guard.compactions).toBeLessThan(6);
    // The remembered substitution shortens the history without recounting it.
    const sent = guard.cap(history, 1000);
    expect(sent).not.toEqual(history);
    expect(sent.at(-1)).toBe(history.at(-1));
  });

  it('passes a small request through untouched', async () => {
    const guard = new ContextGuard();
    const fitted = await guard.fit({
      messages: [system, task],
      provider: 'openai',
      model: 'gpt-4o',
      contextLimit: 8192,
    });
    expect(fitted.compacted).toBe(false);
    expect(fitted.messages).toEqual([system, task]);
  });
});

describe('createPerformAutoCompact (Nanocoder contract)', () => {
  const system: NanocoderMessage = { role: 'system', content: 'You are a coding agent.' };
  const history = fourReads('Both files read.');
  const config = {
    enabled: true,
    threshold: 60,
    mode: 'default' as const,
    strategy: 'mechanical' as const,
    notifyUser: true,
  };

  it('returns null below the threshold or when disabled', async () => {
    const perform = createPerformAutoCompact({ contextLimit: async () => 1_000_000 });
    expect(await perform(history, system, 'openai', 'gpt-4o', config)).toBeNull();
    const off = createPerformAutoCompact({ contextLimit: async () => 1000 });
    expect(await off(history, system, 'openai', 'gpt-4o', { ...config, enabled: false })).toBeNull();
  });

  it('compacts over the threshold: summary first as a user message, no system, no orphans, backup kept', async () => {
    const backups: NanocoderMessage[][] = [];
    const notes: string[] = [];
    const perform = createPerformAutoCompact({
      contextLimit: async () => 7000,
      storeBackup: (m) => void backups.push(m),
    });
    const out = await perform(history, system, 'openai', 'gpt-4o', config, (n) => notes.push(n));
    expect(out).not.toBeNull();
    const result = out as NanocoderMessage[];
    expect(result.some((m) => m.role === 'system')).toBe(false);
    expect(result.find((m) => m.content.startsWith('<conversation-summary>'))?.role ?? 'user').toBe('user');
    for (const t of result.filter((m) => m.role === 'tool')) {
      expect(result.some((a) => a.tool_calls?.some((c) => c.id === t.tool_call_id))).toBe(true);
    }
    expect(result.at(-1)).toBe(history.at(-1));
    expect(backups).toEqual([history]);
    expect(notes[0]).toMatch(/auto-compacting/);
  });

  it('leaves the step in flight untouched: no result is made up for a call whose result is still coming', async () => {
    // Nanocoder calls performAutoCompact after the model answered with a tool
    // call and BEFORE it runs the tool and appends the real result.
    const pending: NanocoderMessage = {
      role: 'assistant',
      content: '',
      tool_calls: [{ id: 'e', function: { name: 'read_file', arguments: { path: 'src/types.ts' } } }],
    };
    const live = [...history.slice(0, -2), pending];
    const perform = createPerformAutoCompact({ contextLimit: async () => 7000 });
    const out = await perform(live, system, 'openai', 'gpt-4o', config);
    expect(out).not.toBeNull();
    const result = out as NanocoderMessage[];
    expect(result.at(-1)).toBe(pending);
    expect(result.filter((m) => m.tool_call_id === 'e')).toEqual([]);
    // Nanocoder then appends the real result: every id is answered exactly once.
    const next = [...result, { role: 'tool' as const, tool_call_id: 'e', name: 'read_file', content: 'x' }];
    expect(validateConversation(next.map(toCtxkit))).toEqual([]);
  });
});

describe('compactNanocoderMessages with pins', () => {
  it('keeps a pinned tool result (and its call) verbatim through a compaction that summarizes its neighbours', async () => {
    const system: NanocoderMessage = { role: 'system', content: 'You are a coding agent.' };
    const history = fourReads('All read.');
    const pinned = history[4] as NanocoderMessage; // the result of read b
    const tokenizer = createTokenizer('openai', 'gpt-4o');
    const args = { contextLimit: 7000, tokenizer, force: true } as const;
    const plain = await compactNanocoderMessages(history, system, args);
    expect(plain.messages).not.toContain(pinned); // without the pin it goes
    const kept = await compactNanocoderMessages(history, system, { ...args, isPinned: (m) => m === pinned });
    expect(kept.messages).toContain(pinned);
    expect(kept.messages).toContain(history[3]); // its call
    expect(kept.after).toBeLessThan(kept.before);
    expect(
      validateConversation(kept.messages.map(toCtxkit)).filter((p) => p.kind !== 'first_not_user'),
    ).toEqual([]);
  });
});

describe('splitInFlight', () => {
  it('splits at the last assistant step with an unanswered call, and only there', () => {
    const done = [{ role: 'user' as const, content: 'go' }, ...read('a', 'src/a.ts', 1)];
    expect(splitInFlight(done)).toEqual({ settled: done, inFlight: [] });
    const call: NanocoderMessage = {
      role: 'assistant',
      content: '',
      tool_calls: [
        { id: 'x', function: { name: 'read_file', arguments: {} } },
        { id: 'y', function: { name: 'read_file', arguments: {} } },
      ],
    };
    const half: NanocoderMessage = { role: 'tool', tool_call_id: 'x', content: 'one of two' };
    expect(splitInFlight([...done, call, half])).toEqual({ settled: done, inFlight: [call, half] });
  });
});

describe('loader shim and usage', () => {
  it('the shim re-exports the original and overrides only the replaced names with hoisted functions', () => {
    const src = shimSource(
      'file:///x/auto-compact.js',
      'autoCompact',
      ['performAutoCompact'],
      'file:///r/runtime.js',
    );
    expect(src).toContain('export * from "ctxkit-original:///x/auto-compact.js"');
    expect(src).toMatch(/export function performAutoCompact\(/);
    expect(src.indexOf('runtime.js')).toBeLessThan(src.indexOf('ctxkit-original:'));
  });

  it('keeps cache reads, cache writes and reasoning that Nanocoder drops', () => {
    const u = toAiSdkUsage({
      inputTokens: { total: 1000, noCache: 200, cacheRead: 700, cacheWrite: 100 },
      outputTokens: { total: 300, text: 100, reasoning: 200 },
    });
    expect(u).toMatchObject({
      inputTokens: 1000,
      outputTokens: 300,
      inputTokenDetails: { cacheReadTokens: 700, cacheWriteTokens: 100 },
      outputTokenDetails: { reasoningTokens: 200 },
    });
    expect(toAiSdkUsage({ inputTokens: {}, outputTokens: {} })).toBeUndefined();
  });
});

describe('overflowWindow', () => {
  it('reads the window from llama.cpp and OpenAI rejections, and nothing from other errors', () => {
    expect(
      overflowWindow(
        new Error(
          'Bad request: the request exceeds the available context size (8979 tokens > 8192), try increasing it',
        ),
      ),
    ).toEqual({ sent: 8979, limit: 8192 });
    expect(overflowWindow(new Error('exceed_context_size_error {"n_ctx":4096}'))).toEqual({ limit: 4096 });
    expect(
      overflowWindow(
        new Error(
          "This model's maximum context length is 8192 tokens. However, your messages resulted in 9001 tokens.",
        ),
      ),
    ).toEqual({ limit: 8192, sent: 9001 });
    expect(overflowWindow(new Error('Connection refused'))).toBeUndefined();
    expect(overflowWindow('rate limit exceeded')).toBeUndefined();
  });
});
