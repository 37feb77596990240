import { isCtxkitError, type Message } from '@ctxkit/core';
import { loadTranscripts, userMessage } from '@ctxkit/test-utils';
import { createVocabularyTokenizer } from '@ctxkit/tokenizers';
import { describe, expect, it } from 'vitest';
import { ConversationCounter } from './conversation-counter.js';
import { messageFingerprint } from './fingerprint.js';
import { TokenCountCache } from './token-count-cache.js';

const o200k = createVocabularyTokenizer('o200k_base');
const cl100k = createVocabularyTokenizer('cl100k_base');
const transcripts = loadTranscripts();
// Small messages keep the suite fast; the benchmark replays everything.
const sample = transcripts
  .flatMap((t) => t.messages as Message[])
  .filter((m) => JSON.stringify(m).length < 4000)
  .slice(0, 300);

describe('TokenCountCache', () => {
  it('returns the tokenizer count and accounts hits and misses exactly', () => {
    const cache = new TokenCountCache();
    const distinct = new Set(sample.map((m) => messageFingerprint(m))).size;
    for (const m of sample) expect(cache.count(m, o200k)).toBe(o200k.countMessage(m));
    let s = cache.stats();
    expect(s.misses).toBe(distinct);
    expect(s.hits).toBe(sample.length - distinct);
    for (const m of sample) cache.count(m, o200k);
    s = cache.stats();
    expect(s.misses).toBe(distinct);
    expect(s.hits).toBe(2 * sample.length - distinct);
    expect(s.hitRate).toBeCloseTo(s.hits / (2 * sample.length), 12);
    expect(s.entries).toBe(distinct);
    expect(s.bytes).toBeGreaterThan(0);
  });

  it('never serves a count across vocabularies', () => {
    const cache = new TokenCountCache();
    const text = userMessage('Ünïcødé and emoji 🧪 make o200k and cl100k disagree: こんにちは世界');
    expect(o200k.countMessage(text)).not.toBe(cl100k.countMessage(text));
    expect(cache.count(text, o200k)).toBe(o200k.countMessage(text));
    expect(cache.count(text, cl100k)).toBe(cl100k.countMessage(text));
    expect(cache.stats().misses).toBe(2);
  });

  it('never shares a key between messages differing only in tool-call arguments or images', () => {
    const cache = new TokenCountCache();
    const withArgs = (args: string): Message => ({
      role: 'assistant',
      content: '',
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'write', arguments: args } }],
    });
    const small = withArgs('{"path":"a.txt","content":"hi"}');
    const large = withArgs(`{"path":"a.txt","content":"${'long file body '.repeat(200)}"}`);
    expect(cache.count(small, o200k)).toBe(o200k.countMessage(small));
    expect(cache.count(large, o200k)).toBe(o200k.countMessage(large));
    expect(cache.count(large, o200k)).toBeGreaterThan(cache.count(small, o200k) + 100);

    const img = (width: number): Message => ({
      role: 'user',
      content: 'see',
      images: [{ data: 'iVBORw0KGgo', mediaType: 'image/png', width, height: width }],
    });
    cache.count(img(64), o200k);
    cache.count(img(2048), o200k);
    expect(cache.stats().misses).toBe(4);
    expect(cache.count(img(2048), o200k)).toBe(o200k.countMessage(img(2048)));
  });

  it('evicts least-recently-used entries first when over maxEntries', () => {
    const cache = new TokenCountCache({ maxEntries: 3 });
    const [a, b, c, d] = ['alpha', 'beta', 'gamma', 'delta'].map((text) => userMessage(text)) as [
      Message,
      Message,
      Message,
      Message,
    ];
    cache.count(a, o200k);
    cache.count(b, o200k);
    cache.count(c, o200k);
    cache.count(a, o200k); // a is now the most recent; b the least
    cache.count(d, o200k);
    expect(cache.has(b, o200k.id)).toBe(false);
    expect([a, c, d].map((m) => cache.has(m, o200k.id))).toEqual([true, true, true]);
    expect(cache.stats().evictions).toBe(1);
    cache.count(b, o200k);
    expect(cache.has(c, o200k.id)).toBe(false); // c was least recent after a's touch and d
    expect(cache.stats()).toMatchObject({ evictions: 2, entries: 3 });
  });

  it('stays within maxBytes', () => {
    const cache = new TokenCountCache({ maxEntries: 1000, maxBytes: 1000 });
    for (let i = 0; i < 50; i++) cache.count(userMessage(`message ${i}`), o200k);
    const s = cache.stats();
    expect(s.bytes).toBeLessThanOrEqual(1000);
    expect(s.entries).toBeLessThan(50);
    expect(s.evictions).toBe(50 - s.entries);
  });

  it('invalidates one vocabulary or everything', () => {
    const cache = new TokenCountCache();
    const msgs = sample.slice(0, 20);
    for (const m of msgs) {
      cache.count(m, o200k);
      cache.count(m, cl100k);
    }
    const perVocab = cache.stats().entries / 2;
    expect(cache.invalidate('o200k_base')).toBe(perVocab);
    expect(msgs.every((m) => !cache.has(m, o200k.id) && cache.has(m, cl100k.id))).toBe(true);
    expect(cache.invalidate('o200k_base')).toBe(0);
    expect(cache.invalidate()).toBe(perVocab);
    expect(cache.stats().entries).toBe(0);
  });

  it('refuses a misspelt option instead of keeping the default size', () => {
    expect(() => new TokenCountCache({ maxEntires: 5 } as never)).toThrowError(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/did you mean "maxEntries"/),
      }),
    );
    expect(() => new ConversationCounter({ tokenizer: o200k, tool: [] } as never)).toThrowError(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/"tool".*"tools"/),
      }),
    );
  });

  it('rejects bad options and malformed messages with typed errors', () => {
    expect(() => new TokenCountCache({ maxEntries: 0 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    const cache = new TokenCountCache();
    let error: unknown;
    try {
      cache.count({ role: 'user' } as unknown as Message, o200k);
    } catch (e) {
      error = e;
    }
    expect(isCtxkitError(error, 'INVALID_MESSAGE')).toBe(true);
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 0, entries: 0 });
  });
});

describe('malformed images', () => {
  const bad: unknown[] = [[null], 5, 'abc', [{ data: 'iVBOR' }]];
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return isCtxkitError(error) ? error.code : `untyped: ${String(error)}`;
    }
    return 'no error';
  };
  for (const images of bad) {
    it(`the fingerprint, the cache and the counter throw INVALID_MESSAGE for images ${JSON.stringify(images)}`, () => {
      const message = { role: 'user', content: 'look', images } as unknown as Message;
      const cache = new TokenCountCache();
      expect(code(() => messageFingerprint(message))).toBe('INVALID_MESSAGE');
      expect(code(() => cache.count(message, o200k))).toBe('INVALID_MESSAGE');
      expect(code(() => new ConversationCounter({ tokenizer: o200k, cache, messages: [message] }))).toBe(
        'INVALID_MESSAGE',
      );
      // A valid message counted once, then edited in place into a malformed one.
      const edited: Message = {
        role: 'user',
        content: 'look',
        images: [{ data: 'iVBOR', mediaType: 'image/png' }],
      };
      cache.count(edited, o200k);
      (edited as { images: unknown }).images = images;
      expect(code(() => cache.count(edited, o200k))).toBe('INVALID_MESSAGE');
      expect(code(() => messageFingerprint(edited))).toBe('INVALID_MESSAGE');
    });
  }
});
