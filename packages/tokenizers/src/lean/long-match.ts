// The pre-tokenizer match of a run too long for V8's regexp engine. V8 backtracks with an
// explicit stack that a greedy loop over millions of characters overflows (5 M characters of CJK
// under the tiktoken-style patterns): `exec` throws a RangeError. The match is then found on a
// shortened copy of the text, in which every long run of characters the pattern cannot tell
// apart keeps only its first and last KEEP code points, and mapped back.
//
// Why that is the same match. (1) The pattern sees a character only through the atoms it is
// tested against (classes, escapes, literals), so characters with the same answers for every
// atom — one `signature` — are interchangeable: a run of them behaves as one character repeated.
// (2) The patterns accepted (`flatPattern`) are alternations of items that are single atoms,
// greedy loops over one atom at the top level, bounded repeats (`?`, `{1,3}`), groups of short
// literal alternatives and lookaheads without loops; no backreferences, lookbehinds or anchors.
// When the matcher is inside a run of a character c, a bounded item consumes at most a few
// characters and a loop over an atom without c consumes none, so they end within B characters
// of where the run was entered (B: the sum of the bounded items of an alternative, far below
// KEEP / 2 here); a loop over an atom with c runs to the run's end and gives back characters one
// at a time, and whether the rest of the alternative then succeeds depends only on how far the
// run's end is (up to B) and on what follows the run — never on the run's length. So every
// decision of the backtracking matcher, hence where a match starts and ends, lies within B of
// one of the run's two ends, and is the same for a run of any length ≥ 2 × KEEP: the shortened
// run of 2 × KEEP characters gives the same match, shifted by the dropped middle. A match
// start cannot fall in a run's middle either: the pattern does not look behind, so a start
// there succeeds exactly when a start at the run's first character (as far from the end) does,
// which is tried first. Ends that do land in a middle half (the argument failed) are not used:
// the caller keeps its typed error.

/** Code points kept at each end of a shortened run. */
export const KEEP = 256;

/** A pre-tokenizer match: its text and where it starts. `RegExpExecArray` is one. */
export interface PieceMatch {
  readonly 0: string;
  readonly index: number;
}

/** The atoms of a pattern (class texts, escapes) and its literal characters, or null if it is not flat. */
export interface PatternAtoms {
  readonly atoms: readonly RegExp[];
  readonly literals: ReadonlySet<number>;
}

/**
 * Splits a pattern into the atoms it tests characters against, or returns null when its shape is
 * outside the argument above: a loop (`*`, `+`, `{n,}`) inside a group or after one, a
 * backreference, a lookbehind or named group, an anchor, a word boundary, or an unknown escape.
 */
export function flatPattern(source: string, flags: string): PatternAtoms | null {
  if (flags.includes('i') || flags.includes('m') || flags.includes('s') || flags.includes('v')) return null;
  const atoms: string[] = [];
  const literals = new Set<number>();
  let depth = 0;
  /** Whether the last item was an atom (a loop may follow) rather than a group. */
  let afterAtom = false;
  let i = 0;
  const atom = (text: string) => {
    atoms.push(text);
    afterAtom = true;
  };
  const literal = (code: number) => {
    literals.add(code);
    afterAtom = true;
  };
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\\') {
      const x = source[i + 1];
      if (x === undefined) return null;
      if (x === 'p' || x === 'P') {
        const end = source.indexOf('}', i);
        if (source[i + 2] !== '{' || end === -1) return null;
        atom(source.slice(i, end + 1));
        i = end + 1;
      } else if ('sSdDwW'.includes(x)) {
        atom(source.slice(i, i + 2));
        i += 2;
      } else if (x === 'x' || x === 'u') {
        const n = x === 'x' ? 2 : 4;
        const hex = source.slice(i + 2, i + 2 + n);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) return null;
        literal(Number.parseInt(hex, 16));
        i += 2 + n;
      } else if ('rntvf'.includes(x)) {
        literal({ r: 13, n: 10, t: 9, v: 11, f: 12 }[x as 'r']);
        i += 2;
      } else if (/[\\^$.*+?()[\]{}|/\-'"]/.test(x)) {
        literal(x.codePointAt(0)!);
        i += 2;
      } else return null; // \b, \B, backreferences, \k, \c…: outside the argument
      continue;
    }
    if (ch === '[') {
      let j = i + 1;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      if (j >= source.length) return null;
      atom(source.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if (ch === '(') {
      if (source[i + 1] === '?') {
        const kind = source[i + 2];
        if (kind !== ':' && kind !== '!' && kind !== '=') return null; // lookbehind, named group, modifiers
        i += 3;
      } else i++;
      depth++;
      afterAtom = false;
      continue;
    }
    if (ch === ')') {
      if (depth === 0) return null;
      depth--;
      afterAtom = false;
      i++;
      continue;
    }
    if (ch === '*' || ch === '+') {
      if (depth !== 0 || !afterAtom) return null;
      i++;
      if (source[i] === '?' || source[i] === '+') return null; // lazy or possessive: keep to greedy loops
      afterAtom = false;
      continue;
    }
    if (ch === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (!m) return null;
      const unbounded = m[2] !== undefined && m[3] === '';
      if (unbounded && (depth !== 0 || !afterAtom)) return null;
      if (!unbounded && Number(m[3] ?? m[1]) > 8) return null; // keep bounded repeats far below KEEP
      i += m[0].length;
      afterAtom = false;
      continue;
    }
    if (ch === '?' || ch === '|') {
      afterAtom = false;
      i++;
      continue;
    }
    if (ch === '^' || ch === '$') return null;
    if (ch === '.') {
      atom('.');
      i++;
      continue;
    }
    const code = source.codePointAt(i)!;
    literal(code);
    i += code > 0xffff ? 2 : 1;
  }
  // A signature has a bit per atom, kept non-negative (Signatures below).
  if (depth !== 0 || atoms.length > 30) return null;
  return { atoms: atoms.map((a) => new RegExp(`^(?:${a})$`, 'u')), literals };
}

/**
 * Characters with the same signature are alike to every atom of the pattern (see above): a bit
 * per atom, or for a literal of the pattern, which is only like itself, minus one minus its code.
 * One per call, so the signatures of a long run of distinct characters are not kept.
 */
class Signatures {
  private readonly known = new Map<number, number>();
  constructor(private readonly pattern: PatternAtoms) {}

  of(code: number): number {
    let sig = this.known.get(code);
    if (sig === undefined) {
      if (this.pattern.literals.has(code)) sig = -1 - code;
      else {
        const ch = String.fromCodePoint(code);
        sig = 0;
        this.pattern.atoms.forEach((a, i) => {
          if (a.test(ch)) sig! |= 1 << i;
        });
      }
      this.known.set(code, sig);
    }
    return sig;
  }
}

/** The parsed pattern of each regexp (null: not flat), parsed once. */
const patterns = new WeakMap<RegExp, PatternAtoms | null>();

/**
 * The first match of `re` in `text` at or after `from`, found on a copy whose long runs of alike
 * characters are shortened (see above), or null when the pattern is not flat, when the copy is
 * still too long for the regexp engine, or when a match boundary falls where the argument does
 * not reach. `keep` is KEEP except in tests.
 */
export function shortenedMatch(re: RegExp, text: string, from: number, keep = KEEP): PieceMatch | null {
  let pattern = patterns.get(re);
  if (pattern === undefined) {
    pattern = flatPattern(re.source, re.flags);
    patterns.set(re, pattern);
  }
  if (!pattern) return null;
  const sigs = new Signatures(pattern);
  // Pieces of the copy, and for each shortened run where its middle was cut (in the copy) and
  // how many UTF-16 units were dropped there.
  const parts: string[] = [];
  const cuts: { at: number; from: number; to: number; dropped: number }[] = [];
  let length = 0;
  let runStart = from;
  let runSig = Number.NaN;
  let runCodes = 0;
  let prevCode = -1;
  /** Ends the run `[runStart, end)`, shortening it when it is long. */
  const flush = (end: number) => {
    if (runCodes <= 2 * keep + 2) {
      parts.push(text.slice(runStart, end));
      length += end - runStart;
      return;
    }
    let head = runStart;
    for (let k = 0; k < keep; k++) head += text.codePointAt(head)! > 0xffff ? 2 : 1;
    let tail = end;
    for (let k = 0; k < keep; k++) tail -= isLowSurrogate(text.charCodeAt(tail - 1)) ? 2 : 1;
    parts.push(text.slice(runStart, head), text.slice(tail, end));
    const at = length + (head - runStart);
    // Boundaries may lie within keep / 2 of the run's two ends in the copy.
    cuts.push({ at, from: length + (head - runStart) / 2, to: at + (end - tail) / 2, dropped: tail - head });
    length += head - runStart + (end - tail);
  };
  for (let i = from; i < text.length; ) {
    const code = text.codePointAt(i)!;
    if (code !== prevCode) {
      const sig = sigs.of(code);
      if (sig !== runSig) {
        if (i > from) flush(i);
        runStart = i;
        runSig = sig;
        runCodes = 0;
      }
      prevCode = code;
    }
    runCodes++;
    i += code > 0xffff ? 2 : 1;
  }
  if (text.length > from) flush(text.length);
  if (cuts.length === 0) return null;
  const copy = parts.join('');
  const search = new RegExp(re.source, re.flags);
  let m: RegExpExecArray | null;
  try {
    m = search.exec(copy);
  } catch (cause) {
    if (cause instanceof RangeError) return null;
    throw cause;
  }
  if (!m) return null;
  const start = back(cuts, m.index, from);
  const end = back(cuts, m.index + m[0].length, from);
  if (start === -1 || end === -1) return null;
  const piece: [string] = [text.slice(start, end)];
  return Object.assign(piece, { index: start });
}

/** A position of the copy in the text, or -1 when it lies in the middle half of a shortened run. */
function back(
  cuts: readonly { at: number; from: number; to: number; dropped: number }[],
  x: number,
  from: number,
): number {
  let shift = 0;
  for (const cut of cuts) {
    if (x <= cut.from) break;
    if (x < cut.to) return -1;
    shift += cut.dropped;
  }
  return from + x + shift;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
