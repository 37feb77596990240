// The pathological inputs of the benchmark: 10 M characters that are one pre-token of
// millions of symbols (bench/pathological-child.ts times them).

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
