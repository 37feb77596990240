// The 2–4-byte tables that long pieces look pairs up in (`ShortTokens`, behind
// `PackedVocab.lookupLong`) against the vocabulary's own hash table, on the real files:
// every 2-byte string, every 3–4-byte token, and the near misses around each of them (one
// bit flipped, one byte added or dropped), read at an offset inside a larger buffer.
import { describe, expect, it } from 'vitest';
import { readDataBinary } from '../data-files.js';
import { readLeanFile } from './lean-file.js';

describe('ShortTokens answers as PackedVocab.lookup', () => {
  it.each(['o200k_base', 'cl100k_base', 'llama3', 'gemma3', 'mistral_v1'])(
    '%s: all 2-byte strings, all 3–4-byte tokens and their near misses',
    (name) => {
      const { vocab } = readLeanFile(readDataBinary(`${name}.bin`));
      const buf = new Uint8Array(8);
      let found = 0;
      let asked = 0;
      const check = (len: number) => {
        asked++;
        const expected = vocab.lookup(buf, 1, 1 + len);
        if (expected !== -1) found++;
        const actual = vocab.lookupLong(buf, 1, 1 + len);
        if (actual !== expected)
          throw new Error(`${name}: [${buf.subarray(1, 1 + len)}] → ${actual}, not ${expected}`);
      };
      for (let a = 0; a < 256; a++)
        for (let b = 0; b < 256; b++) {
          buf[1] = a;
          buf[2] = b;
          check(2);
        }
      let short = 0;
      for (let r = 0; r < vocab.size; r++) {
        const token = vocab.tokenBytes(r);
        if (token.length < 3 || token.length > 4) continue;
        short++;
        buf.set(token, 1);
        check(token.length);
        for (let bit = 0; bit < 8; bit++) {
          buf[token.length] = token[token.length - 1]! ^ (1 << bit);
          check(token.length);
        }
        buf.set(token, 1);
        for (const extra of [0, 0x20, 0x61, 0x80, 0xff]) {
          buf[1 + token.length] = extra;
          if (token.length === 3) check(4);
        }
        check(token.length - 1);
      }
      // The sample is not vacuous: thousands of short tokens, most near misses absent.
      expect(short).toBeGreaterThan(5_000);
      expect(found).toBeGreaterThan(short);
      expect(asked - found).toBeGreaterThan(short);
    },
  );
});
