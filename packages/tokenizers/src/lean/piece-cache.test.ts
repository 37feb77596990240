import { describe, expect, it } from 'vitest';
import { hashBytes } from './packed-vocab.js';
import { PIECE_CACHE_MAX_BYTES, PIECE_CACHE_MAX_ENTRIES, PieceCache } from './piece-cache.js';

const utf8 = new TextEncoder();
const key = (s: string) => {
  const b = utf8.encode(s);
  return [b, b.length, hashBytes(b, 0, b.length)] as const;
};

describe('PieceCache', () => {
  it('returns what was stored for the same bytes and -1 for anything else', () => {
    const cache = new PieceCache();
    cache.set(...key('hello'), 2);
    cache.set(...key('héllo'), 3);
    expect(cache.get(...key('hello'))).toBe(2);
    expect(cache.get(...key('héllo'))).toBe(3);
    expect(cache.get(...key('hell'))).toBe(-1);
    expect(cache.get(...key('hello '))).toBe(-1);
  });

  it('tells apart different bytes that share a hash', () => {
    const cache = new PieceCache();
    const [a, alen] = key('alpha');
    const [b, blen] = key('bravo');
    cache.set(a, alen, 42, 1);
    cache.set(b, blen, 42, 2);
    expect(cache.get(a, alen, 42)).toBe(1);
    expect(cache.get(b, blen, 42)).toBe(2);
  });

  it('keeps every entry while it grows, then starts over at its bound', () => {
    const cache = new PieceCache();
    const startBytes = cache.byteLength;
    for (let i = 0; i < PIECE_CACHE_MAX_ENTRIES; i++) cache.set(...key(`w${i}`), (i % 200) + 1);
    expect(cache.size).toBe(PIECE_CACHE_MAX_ENTRIES);
    for (let i = 0; i < PIECE_CACHE_MAX_ENTRIES; i += 997)
      expect(cache.get(...key(`w${i}`))).toBe((i % 200) + 1);
    const fullBytes = cache.byteLength;
    expect(fullBytes).toBeGreaterThan(startBytes);
    expect(fullBytes).toBeLessThanOrEqual(1.12e6);
    cache.set(...key('one more'), 7);
    expect(cache.size).toBe(1);
    expect(cache.get(...key('one more'))).toBe(7);
    expect(cache.get(...key('w0'))).toBe(-1);
    expect(cache.byteLength).toBe(fullBytes);
  });

  it('does not keep pieces over its byte limit', () => {
    const cache = new PieceCache();
    cache.set(...key('x'.repeat(PIECE_CACHE_MAX_BYTES + 1)), 5);
    expect(cache.size).toBe(0);
    cache.set(...key('x'.repeat(PIECE_CACHE_MAX_BYTES)), 5);
    expect(cache.get(...key('x'.repeat(PIECE_CACHE_MAX_BYTES)))).toBe(5);
  });

  it('starts over when its byte arena is full, even before its entry bound', () => {
    const cache = new PieceCache();
    const long = (i: number) => `${i}:${'y'.repeat(250)}`;
    for (let i = 0; i < 3000; i++) {
      cache.set(...key(long(i)), 1);
      expect(cache.get(...key(long(i)))).toBe(1);
    }
    expect(cache.size).toBeLessThan(3000);
    expect(cache.byteLength).toBeLessThanOrEqual(1.12e6);
  });
});
