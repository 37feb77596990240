import { isCtxkitError, type Tokenizer } from '@ctxkit/core';
import { loadTranscripts } from '@ctxkit/test-utils';
import {
  createTokenizer,
  createVocabularyTokenizer,
  detectModel,
  MODEL_NAME_MAX_CHARS,
  type VocabularyId,
} from '@ctxkit/tokenizers';
import { describe, expect, it } from 'vitest';
import { POOL_MODELS_KEPT, TokenizerPool } from './pool.js';
import type { PooledTokenizer } from './pooled-tokenizer.js';

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A real (estimate) tokenizer that declares a resident cost, so budgets can be
// exercised without loading hundreds of MB of vocabularies.
function declared(bytes: number): Tokenizer {
  return Object.create(createVocabularyTokenizer('fallback'), {
    residentBytes: { value: bytes },
  }) as Tokenizer;
}

// Each model name maps to its own vocabulary, so tests can name vocabularies freely.
const byName = (_provider: string, model: string) => ({
  vocabulary: model as VocabularyId,
  family: 'test',
  exact: false,
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isCtxkitError(e) ? e.code : 'untyped';
  }
  return undefined;
}

async function codeOfAsync(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return isCtxkitError(e) ? e.code : 'untyped';
  }
  return undefined;
}

describe('TokenizerPool', () => {
  it('shares one o200k instance between gpt-4o, gpt-4.1 and o3, with the same counts', async () => {
    const pool = new TokenizerPool();
    const handles = await Promise.all([
      pool.acquire('openai', 'gpt-4o'),
      pool.acquire('openai', 'gpt-4.1'),
      pool.acquire('openai', 'o3'),
    ]);
    const { entries, totals } = pool.stats();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ vocabulary: 'o200k_base', refs: 3, loads: 1, state: 'ready' });
    expect(entries[0]?.models.sort()).toEqual(['openai/gpt-4.1', 'openai/gpt-4o', 'openai/o3']);
    expect(totals).toMatchObject({ misses: 1, hits: 2, loads: 1 });
    const messages = loadTranscripts()[0]?.messages ?? [];
    const direct = createTokenizer('openai', 'gpt-4o');
    for (const h of handles) expect(h.countMessages(messages)).toBe(direct.countMessages(messages));
    for (const h of handles) pool.release(h);
    expect(pool.stats().entries[0]?.refs).toBe(0);
    pool.dispose();
  });

  it('keeps the most recent POOL_MODELS_KEPT model names per vocabulary and counts the rest', () => {
    const pool = new TokenizerPool({ loadSync: () => declared(MiB) });
    const n = 50_000;
    for (let i = 0; i < n; i++) pool.release(pool.acquireSync('openai', `gpt-4o-${i}`));
    pool.release(pool.acquireSync('openai', 'gpt-4o-7')); // an old name served again is the newest
    pool.release(pool.acquireSync('openai', `gpt-4o-${'x'.repeat(100_000)}`));
    const [entry] = pool.stats().entries;
    expect(entry?.models).toHaveLength(POOL_MODELS_KEPT);
    expect(entry?.models.at(-2)).toBe('openai/gpt-4o-7');
    expect(entry?.models.at(-1)).toHaveLength('openai/'.length + MODEL_NAME_MAX_CHARS);
    expect(entry?.models[0]).toBe(`openai/gpt-4o-${n - POOL_MODELS_KEPT + 2}`);
    expect(entry?.modelsDropped).toBe(n + 2 - POOL_MODELS_KEPT);
    expect(JSON.stringify(pool.stats()).length).toBeLessThan(20_000);
    pool.dispose();
  });

  it('keys Llama 3.1/3.3 and Qwen2.5/Qwen3 on one vocabulary each', async () => {
    let loads = 0;
    const pool = new TokenizerPool({
      loader: async () => {
        loads++;
        return declared(0);
      },
    });
    const pairs: [string, string][] = [
      ['ollama', 'llama3.1:8b'],
      ['ollama', 'llama3.3:70b'],
      ['ollama', 'qwen2.5-coder:7b'],
      ['ollama', 'qwen3:8b'],
    ];
    const handles = await Promise.all(pairs.map(([p, m]) => pool.acquire(p, m)));
    const vocabs = pairs.map(([p, m]) => detectModel(p, m).vocabulary);
    expect(vocabs[0]).toBe(vocabs[1]);
    expect(vocabs[2]).toBe(vocabs[3]);
    expect(vocabs[0]).not.toBe(vocabs[2]);
    expect(loads).toBe(2);
    expect(pool.stats().entries.map((e) => e.vocabulary)).toEqual([vocabs[0], vocabs[2]]);
    for (const h of handles) h.release();
  });

  it('coalesces concurrent acquires of one vocabulary into a single load', async () => {
    let calls = 0;
    const pool = new TokenizerPool({
      detect: byName,
      loader: async () => {
        calls++;
        await sleep(25);
        return declared(MiB);
      },
    });
    const handles = await Promise.all(Array.from({ length: 8 }, () => pool.acquire('p', 'vocab_a')));
    expect(calls).toBe(1);
    expect(new Set(handles.map((h) => h.id)).size).toBe(1);
    expect(pool.stats().totals).toMatchObject({ misses: 1, hits: 7, loads: 1 });
    expect(pool.stats().entries[0]).toMatchObject({ refs: 8, bytes: MiB });
  });

  it('does not remember a failed load: every waiter fails typed, the next acquire retries', async () => {
    let calls = 0;
    const pool = new TokenizerPool({
      detect: byName,
      loader: async () => {
        calls++;
        await sleep(15);
        if (calls === 1) throw new Error('disk on fire');
        return declared(MiB);
      },
    });
    const results = await Promise.allSettled([
      pool.acquire('p', 'v'),
      pool.acquire('p', 'v'),
      pool.acquire('p', 'v'),
    ]);
    expect(calls).toBe(1);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect(isCtxkitError((r as PromiseRejectedResult).reason, 'TOKENIZER_LOAD_FAILED')).toBe(true);
    }
    expect(pool.stats().entries).toHaveLength(0);
    const handle = await pool.acquire('p', 'v');
    expect(calls).toBe(2);
    expect(handle.countTokens('hello world')).toBeGreaterThan(0);
    expect(pool.stats().totals).toMatchObject({ loads: 2, failures: 1 });
    // A failing sync loader is forgotten the same way.
    let syncCalls = 0;
    const sync = new TokenizerPool({
      detect: byName,
      loadSync: () => {
        syncCalls++;
        if (syncCalls === 1) throw new Error('nope');
        return declared(0);
      },
    });
    expect(codeOf(() => sync.acquireSync('p', 'v'))).toBe('TOKENIZER_LOAD_FAILED');
    expect(sync.acquireSync('p', 'v').released).toBe(false);
  });

  it('evicts idle vocabularies least recently used first, never one in use', async () => {
    const pool = new TokenizerPool({
      detect: byName,
      maxBytes: 10 * MiB,
      loader: async () => declared(4 * MiB),
    });
    const use = async (v: string) => (await pool.acquire('p', v)).release();
    await use('a');
    await use('b');
    await use('a'); // b is now the least recently used
    await use('c'); // 12 MiB > 10: evicts b
    expect(pool.stats().entries.map((e) => e.vocabulary)).toEqual(['a', 'c']);
    await use('d'); // evicts a
    expect(pool.stats().entries.map((e) => e.vocabulary)).toEqual(['c', 'd']);
    expect(pool.stats().totals.evictions).toBe(2);

    // Entries in use are never evicted, even far over budget.
    const held = await Promise.all(['e', 'f', 'g'].map((v) => pool.acquire('p', v)));
    const s = pool.stats();
    expect(s.entries.map((e) => e.vocabulary)).toEqual(['e', 'f', 'g']);
    expect(s.totals.overBudget).toBe(2 * MiB);
    held[1]?.release(); // f idle and over budget: evicted at once
    expect(pool.stats().entries.map((e) => e.vocabulary)).toEqual(['e', 'g']);
    expect(pool.stats().totals.overBudget).toBe(0);
  });

  it('serves a vocabulary larger than the budget, keeps it warm and shows the overage', async () => {
    let loads = 0;
    const pool = new TokenizerPool({
      detect: byName,
      maxBytes: MiB,
      loader: async () => {
        loads++;
        return declared(5 * MiB);
      },
    });
    const h = await pool.acquire('p', 'huge');
    expect(h.countTokens('still counts')).toBeGreaterThan(0);
    expect(pool.stats().totals).toMatchObject({ bytes: 5 * MiB, overBudget: 4 * MiB });
    h.release();
    (await pool.acquire('p', 'huge')).release();
    expect(loads).toBe(1);
    expect(pool.stats().totals).toMatchObject({ hits: 1, misses: 1, evictions: 0, overBudget: 4 * MiB });
    (await pool.acquire('p', 'huge2')).release(); // the next oversized one replaces it
    expect(pool.stats().entries.map((e) => e.vocabulary)).toEqual(['huge2']);
    expect(pool.stats().totals.evictions).toBe(1);
  });

  it('measures the resident cost around the load when the engine declares none', async () => {
    const pool = new TokenizerPool({
      detect: byName,
      maxBytes: 1024 * MiB,
      loader: async () => {
        const t = createVocabularyTokenizer('fallback');
        // 32 MiB of vocabulary-like data the tokenizer keeps alive.
        Object.defineProperty(t, 'table', { value: new Uint8Array(32 * MiB).fill(7) });
        return Object.create(t, { residentBytes: { value: undefined } }) as Tokenizer;
      },
    });
    const h = await pool.acquire('p', 'measured');
    expect(pool.stats().entries[0]?.bytes).toBeGreaterThanOrEqual(30 * MiB);
    h.release();
  });

  it('makes double release and use after release typed errors', async () => {
    const pool = new TokenizerPool({ detect: byName, loader: async () => declared(0) });
    const other = new TokenizerPool({ detect: byName, loader: async () => declared(0) });
    const h = await pool.acquire('p', 'v');
    const foreign = await other.acquire('p', 'v');
    pool.release(h);
    expect(codeOf(() => pool.release(h))).toBe('REFCOUNT_MISUSE');
    expect(codeOf(() => h.free())).toBe('REFCOUNT_MISUSE');
    expect(codeOf(() => h.countTokens('x'))).toBe('REFCOUNT_MISUSE');
    expect(codeOf(() => pool.releaseTokenizer(foreign))).toBe('REFCOUNT_MISUSE');
    expect(codeOf(() => pool.release({} as PooledTokenizer))).toBe('REFCOUNT_MISUSE');
    expect(pool.stats().entries[0]?.refs).toBe(0);
    expect(other.stats().entries[0]?.refs).toBe(1);
    const g = await pool.getTokenizer('p', 'v');
    g.free(); // free() releases, like Nanocoder's tokenizer.free?.()
    expect(pool.stats().entries[0]?.refs).toBe(0);
  });

  it('lets a sync acquire overtake an async load, visibly, and frees the loser', async () => {
    let freed = 0;
    const pool = new TokenizerPool({
      detect: byName,
      loader: async () => {
        await sleep(20);
        const t = declared(MiB);
        return Object.create(t, { free: { value: () => freed++ } }) as Tokenizer;
      },
      loadSync: () => declared(MiB),
    });
    const pending = pool.acquire('p', 'v');
    const sync = pool.acquireSync('p', 'v');
    const late = await pending;
    expect(late.countTokens('same instance')).toBe(sync.countTokens('same instance'));
    expect(pool.stats().entries[0]).toMatchObject({ loads: 2, refs: 2 });
    expect(freed).toBe(1); // the async result was freed, not kept beside the sync one
    expect(pool.acquireSync('p', 'v').released).toBe(false);
    expect(pool.stats().totals).toMatchObject({ loads: 2, misses: 2, hits: 1 });
  });

  it('frees a vocabulary that finishes loading after dispose and fails its waiters typed', async () => {
    let freed = 0;
    const pool = new TokenizerPool({
      detect: byName,
      loader: async () => {
        await sleep(20);
        return Object.create(declared(0), { free: { value: () => freed++ } }) as Tokenizer;
      },
    });
    const pending = pool.acquire('p', 'v');
    pool.dispose();
    expect(await codeOfAsync(pending)).toBe('DISPOSED');
    expect(freed).toBe(1);
    expect(pool.stats().entries).toHaveLength(0);
  });

  it('evicts after idleMs, on cleanupUnused, and refuses work after dispose', async () => {
    const pool = new TokenizerPool({ detect: byName, idleMs: 20, loader: async () => declared(0) });
    (await pool.acquire('p', 'a')).release();
    const held = await pool.acquire('p', 'b');
    await sleep(80);
    expect(pool.stats().entries.map((e) => e.vocabulary)).toEqual(['b']);
    (await pool.acquire('p', 'c')).release();
    expect(pool.cleanupUnused()).toBe(1);
    expect(pool.stats().totals.evictions).toBe(2);
    pool.dispose();
    expect(codeOf(() => held.countTokens('x'))).toBe('DISPOSED');
    held.release(); // giving a handle back after dispose is allowed
    expect(await codeOfAsync(pool.acquire('p', 'a'))).toBe('DISPOSED');
    expect(codeOf(() => pool.acquireSync('p', 'a'))).toBe('DISPOSED');
    expect(codeOf(() => new TokenizerPool({ maxBytes: -1 }))).toBe('INVALID_ARGUMENT');
    expect(() => new TokenizerPool({ maxByte: 1 } as never)).toThrow(/did you mean "maxBytes"/);
    expect(await codeOfAsync(new TokenizerPool().acquire(7 as unknown as string, 'x'))).toBe(
      'INVALID_ARGUMENT',
    );
  });
});
