// One fresh process per vocabulary: seconds to count 10 MB of realistic text (the
// transcripts, repeated) and 10 MB of each pathological input — one pre-token of millions
// of symbols — in the same process, so each ratio is against a baseline of the same run.
import { createVocabularyTokenizer, type VocabularyId } from '../src/index.js';
import { allTranscriptTexts } from '../src/testing/corpus.js';

/** Characters per input. */
export const SIZE = 10_000_000;

/** The pathological inputs: repeated units (long runs are common in tool output) and one aperiodic long word. */
export const PATHOLOGICAL: Record<string, () => string> = {
  a: () => 'a'.repeat(SIZE),
  '=': () => '='.repeat(SIZE),
  space: () => ' '.repeat(SIZE),
  newline: () => '\n'.repeat(SIZE),
  '0': () => '0'.repeat(SIZE),
  CJK: () => '中'.repeat(SIZE),
  emoji: () => '😀'.repeat(SIZE / 2),
  ab: () => 'ab'.repeat(SIZE / 2),
  '=\\n': () => '=\n'.repeat(SIZE / 2),
  'base64 A…A==': () => `${'A'.repeat(SIZE - 2)}==`,
  'random letters': () => {
    let x = 1;
    const codes = new Uint16Array(SIZE);
    for (let i = 0; i < SIZE; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      codes[i] = 97 + ((x >>> 8) % 26);
    }
    let s = '';
    for (let i = 0; i < SIZE; i += 8192) s += String.fromCharCode(...codes.subarray(i, i + 8192));
    return s;
  },
};

if (process.argv[2]) {
  const vocabulary = process.argv[2] as VocabularyId;
  let realistic = allTranscriptTexts().join('\n');
  while (realistic.length < SIZE) realistic += `\n${realistic}`;
  realistic = realistic.slice(0, SIZE);
  const t = createVocabularyTokenizer(vocabulary);
  t.preload();
  t.countTokens('warm up');
  const seconds = (text: string) => {
    const start = performance.now();
    t.countTokens(text);
    return (performance.now() - start) / 1000;
  };
  const result: Record<string, number> = { realistic: seconds(realistic) };
  for (const [name, make] of Object.entries(PATHOLOGICAL)) result[name] = seconds(make());
  process.stdout.write(JSON.stringify(result));
}
