// Long runs — one pre-token of thousands of symbols, merged chunk by chunk (lean/long-piece.ts) —
// give the same ids as the independent references on every exact vocabulary: runs of one
// character, periodic patterns, phase-shifted runs and aperiodic long words. Sizes are a few
// chunks (WASM tiktoken is quadratic on one long piece); the 10 MB figures are in `pnpm bench`.
import { afterAll, describe, expect, it } from 'vitest';
import { REFERENCES, type Reference, tiktokenReference } from '../test/references.js';
import { readDataBinary } from './data-files.js';
import { createVocabularyTokenizer, type VocabularyId } from './index.js';
import { LeanEngine } from './lean/lean-engine.js';
import { readLeanFile } from './lean/lean-file.js';
import { CHUNK_SYMBOLS, LONG_PIECE_SYMBOLS } from './lean/long-piece.js';

/** Characters per ASCII sample: several chunks past the long-piece threshold. */
const ASCII = LONG_PIECE_SYMBOLS + 2 * CHUNK_SYMBOLS;
/** Characters per multibyte sample: past the threshold even where a symbol is a whole character. */
const WIDE = LONG_PIECE_SYMBOLS + 512;

const repeat = (unit: string, chars: number) => unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars);

/** A seeded generator, so a failure names a sample that can be rebuilt. */
function random(seed: number, alphabet: readonly string[], length: number): string {
  let x = seed;
  let s = '';
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += alphabet[(x >>> 8) % alphabet.length];
  }
  return s;
}
const letters = [...'abcdefghijklmnopqrstuvwxyz'];
const base64 = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'];

const SAMPLES: Record<string, string> = {
  '=': repeat('=', ASCII),
  space: repeat(' ', ASCII),
  newline: repeat('\n', ASCII),
  a: repeat('a', ASCII),
  '0': repeat('0', ASCII),
  digits: repeat('0123456789', ASCII),
  '▁': repeat('▁', WIDE),
  'base64 A…A==': `${repeat('A', ASCII)}==`,
  'base64 then padding': `${random(7, base64, 400)}${repeat('=', ASCII)}`,
  CJK: repeat('中', WIDE),
  emoji: repeat('😀', WIDE),
  'emoji + skin tone': repeat('👍🏽', WIDE),
  'e + combining acute': repeat('e\u0301', WIDE),
  ab: repeat('ab', ASCII),
  abc: repeat('abc', ASCII),
  '=\\n': repeat('=\n', ASCII),
  '-=': repeat('-=', ASCII),
  'ab ': repeat('ab ', ASCII),
  '\\r\\n': repeat('\r\n', ASCII),
  'period 7': repeat('abcdefg', ASCII),
  'period 31': repeat('the quick brown fox jumps ovr_x', ASCII),
  'x then a…a (phase shift)': `x${repeat('a', ASCII)}`,
  'a…a then b': `${repeat('a', ASCII)}b`,
  'a…a b a…a': `${repeat('a', ASCII / 2)}b${repeat('a', ASCII / 2)}`,
  'space run then word': `${repeat(' ', ASCII)}word`,
  'random letters': random(1, letters, ASCII),
  'random a/b': random(2, ['a', 'b'], ASCII),
  'random aa/a/b': random(3, ['aa', 'a', 'b'], ASCII),
  'random base64': random(4, base64, ASCII),
  'random CJK': random(5, [...'中文字符测试的是一了'], WIDE),
  'random accented letters': random(6, [...'éèàüößçñабвгдежαβγ'], WIDE),
};

const ORACLES = REFERENCES;

const refs: Reference[] = [];
afterAll(() => {
  for (const r of refs) r.free();
});

describe('long runs: identical ids to the references', () => {
  it.each(Object.keys(ORACLES))(
    '%s',
    async (vocabulary) => {
      const reference = ORACLES[vocabulary as keyof typeof ORACLES]();
      refs.push(reference);
      const ours = createVocabularyTokenizer(vocabulary as VocabularyId);
      for (const [name, text] of Object.entries(SAMPLES)) {
        const ids = ours.encode(text);
        expect({ name, ids }).toEqual({ name, ids: await reference.encode(text) });
        expect({ name, count: ours.countTokens(text) }).toEqual({ name, count: ids.length });
      }
      ours.free();
    },
    120_000,
  );
});

/**
 * A pre-tokenizer regexp that fails as V8's does on a match of millions of characters (its
 * backtracking stack overflows: a RangeError), but already past `limit` characters, so the
 * engine's fallback (lean/long-match.ts) is exercised on runs short enough for the references.
 */
class OverflowingRegExp extends RegExp {
  constructor(
    source: string,
    flags: string,
    private readonly limit: number,
  ) {
    super(source, flags);
  }

  override exec(text: string): RegExpExecArray | null {
    const from = this.lastIndex;
    const m = super.exec(text);
    if (m && m[0].length > this.limit) {
      this.lastIndex = from;
      throw new RangeError('Maximum call stack size exceeded');
    }
    return m;
  }
}

/** Runs that are one pre-token of the tiktoken-style patterns, alone and between other text. */
const OVERFLOWING: Record<string, string> = {
  CJK: SAMPLES.CJK!,
  emoji: SAMPLES.emoji!,
  'random CJK': SAMPLES['random CJK']!,
  'random accented letters': SAMPLES['random accented letters']!,
  'words, a CJK run, words': `hello world, ${repeat('中', WIDE)}abc's 😀 ${repeat('文', 3000)}\n`,
  'emoji run, spaces, CJK run': `${repeat('😀', 4000)}   ${repeat('中', 4000)}`,
  'letter run then contraction': `${repeat('a', 6000)}'ll be`,
  'capitals then lower case': `${repeat('A', 3000)}${repeat('b', 3000)}`,
  'space run then CJK': `${repeat(' ', 3000)}${repeat('中', 3000)}`,
};

describe('runs too long for the regexp engine: identical ids to the references', () => {
  it.each(['o200k_base', 'cl100k_base', 'tekken', 'llama3', 'qwen2', 'deepseek_v3'])(
    '%s',
    async (vocabulary) => {
      const reference = ORACLES[vocabulary as keyof typeof ORACLES]();
      refs.push(reference);
      const engine = new LeanEngine(readLeanFile(readDataBinary(`${vocabulary}.bin`)));
      const regexes = (engine as unknown as { regexes: RegExp[] }).regexes;
      regexes.forEach((re, i) => {
        regexes[i] = new OverflowingRegExp(re.source, re.flags, 1000);
      });
      let overflowed = 0;
      for (const [name, text] of Object.entries(OVERFLOWING)) {
        // The sample does overflow the simulated engine (else the fallback is not what is tested).
        if (regexes.some((re) => throwsOn(re, text))) overflowed++;
        const ids = engine.encode(text);
        expect({ name, ids }).toEqual({ name, ids: await reference.encode(text) });
        expect({ name, count: engine.count(text) }).toEqual({ name, count: ids.length });
      }
      expect(overflowed).toBeGreaterThanOrEqual(5);
    },
    120_000,
  );
});

/** Whether iterating `re` over `text` throws. */
function throwsOn(re: RegExp, text: string): boolean {
  re.lastIndex = 0;
  try {
    while (re.exec(text) !== null);
    return false;
  } catch {
    return true;
  } finally {
    re.lastIndex = 0;
  }
}

describe('runs of millions of characters, past the real regexp engine', () => {
  // 5 M code points of one CJK character or emoji overflow V8's regexp stack (they used to throw
  // UNSUPPORTED). The reference cannot merge a piece that long (WASM tiktoken is quadratic), but
  // its counts on a run grow by the same step per 4,096 characters; ours on the long run must
  // land on that line.
  it.each(['中', '😀'])('o200k_base: 4,096 × 1,221 of %s', async (unit) => {
    const reference = tiktokenReference('o200k_base');
    refs.push(reference);
    const at = async (k: number) => (await reference.encode(unit.repeat(4096 * k))).length;
    const [one, two, three] = [await at(1), await at(2), await at(3)];
    expect(three - two).toBe(two - one); // the reference's count is linear in the run length
    const text = unit.repeat(4096 * 1221);
    let overflows = false;
    try {
      new RegExp(readLeanFile(readDataBinary('o200k_base.bin')).settings.splits[0]!, 'gu').exec(text);
    } catch (e) {
      overflows = e instanceof RangeError;
    }
    expect(overflows).toBe(true);
    const ours = createVocabularyTokenizer('o200k_base');
    expect(ours.countTokens(text)).toBe(one + 1220 * (two - one));
    ours.free();
  });
});
