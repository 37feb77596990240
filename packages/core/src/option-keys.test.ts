import { describe, expect, it } from 'vitest';
import { isCtxkitError } from './errors.js';
import { checkOptionKeys, nearestName } from './option-keys.js';

const KEYS = { maxEntries: true, maxBytes: true } as const;

function thrown(f: () => void): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('nearestName', () => {
  it('finds the known name within three edits, case-insensitively', () => {
    expect(nearestName('treshold', ['enabled', 'threshold'])).toBe('threshold');
    expect(nearestName('MAXTOKNS', ['maxTokens', 'reserveTokens'])).toBe('maxTokens');
    expect(nearestName('maxEntires', ['maxEntries', 'maxBytes'])).toBe('maxEntries');
  });

  it('falls back to a known name the given one abbreviates', () => {
    expect(nearestName('vocab', ['vocabulary'])).toBe('vocabulary');
    expect(nearestName('vo', ['vocabulary'])).toBeUndefined();
  });

  it('gives nothing when every name is further than the limit', () => {
    expect(nearestName('zzz', ['enabled', 'threshold'])).toBeUndefined();
    expect(nearestName('abcdef', ['abcxyz'], 2)).toBeUndefined();
    expect(nearestName('abcdef', ['abcxyz'], 3)).toBe('abcxyz');
  });
});

describe('checkOptionKeys', () => {
  it('accepts undefined, an empty object and known keys', () => {
    expect(() => checkOptionKeys(undefined, KEYS, 'cache options')).not.toThrow();
    expect(() => checkOptionKeys({}, KEYS, 'cache options')).not.toThrow();
    expect(() => checkOptionKeys({ maxEntries: 1, maxBytes: 2 }, KEYS, 'cache options')).not.toThrow();
  });

  it('refuses a misspelt key with a suggestion and the accepted keys', () => {
    const error = thrown(() => checkOptionKeys({ maxEntires: 5 }, KEYS, 'cache options'));
    expect(isCtxkitError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toBe(
      'unknown cache options key "maxEntires" (did you mean "maxEntries"?); accepted: maxEntries, maxBytes',
    );
    expect((error as { details?: unknown }).details).toEqual({
      option: 'maxEntires',
      accepted: ['maxEntries', 'maxBytes'],
      suggestion: 'maxEntries',
    });
  });

  it('refuses a non-object', () => {
    for (const bad of [null, 5, 'x', [1]]) {
      expect(
        isCtxkitError(
          thrown(() => checkOptionKeys(bad, KEYS, 'cache options')),
          'INVALID_ARGUMENT',
        ),
      ).toBe(true);
    }
  });

  it('quotes a 10 MB key shortly and does not compare it', () => {
    const key = 'x'.repeat(10_000_000);
    const error = thrown(() => checkOptionKeys({ [key]: 1 }, KEYS, 'cache options')) as Error;
    expect(isCtxkitError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(error.message.length).toBeLessThan(200);
  });
});
