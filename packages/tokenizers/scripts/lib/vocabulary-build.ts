// Turns a tiktoken ranks table or an HF tokenizer.json into a packed
// vocabulary file (src/lean/lean-file.ts). Used by scripts/build-vocabularies.ts
// and by the test that checks the committed files are up to date.

import { type LeanSettings, writeLeanFile } from '../../src/lean/lean-file.js';
import { PackedVocab } from '../../src/lean/packed-vocab.js';
import { PairMerges } from '../../src/lean/pair-merges.js';

/** A vocabulary's source data. */
export type VocabularySource =
  | { kind: 'tiktoken'; ranks: { pat_str: string; bpe_ranks: string }; idOffset?: number }
  | { kind: 'hf'; json: unknown; mode: 'rank' | 'merges' | 'splits' };

interface HfTokenizerJson {
  normalizer: {
    type: string;
    normalizers?: { type: string; prepend?: string; pattern?: { String?: string }; content?: string }[];
    prepend?: string;
    pattern?: { String?: string };
    content?: string;
  } | null;
  pre_tokenizer: {
    type: string;
    pretokenizers?: { type: string; pattern?: { Regex?: string; String?: string } }[];
    pattern?: { Regex?: string; String?: string };
  } | null;
  added_tokens: { id: number; content: string; special: boolean }[];
  model: {
    vocab: Record<string, number>;
    merges: (string | [string, string])[];
    byte_fallback?: boolean;
    ignore_merges?: boolean;
  };
}

const utf8 = new TextEncoder();
// Keep a leading U+FEFF: Gemma 3 has BOM tokens, and the default decoder would strip it.
const utf8Decode = new TextDecoder('utf-8', { ignoreBOM: true });

/** js-tiktoken's compact ranks format: lines of `<ignored> <first rank> <base64 token>…`. */
function tiktokenTokens(bpeRanks: string): Uint8Array[] {
  const tokens: Uint8Array[] = [];
  for (const line of bpeRanks.split('\n')) {
    if (!line) continue;
    const [, first, ...toks] = line.split(' ');
    const offset = Number.parseInt(first!, 10);
    toks.forEach((t, i) => {
      tokens[offset + i] = new Uint8Array(Buffer.from(t, 'base64'));
    });
  }
  return tokens;
}

/** GPT-2's printable-character → byte table used by HF byte-level BPE. */
function byteLevelDecoder(): Map<string, number> {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  return new Map(bs.map((b, i) => [String.fromCodePoint(cs[i]!), b]));
}

/**
 * Unicode White_Space, which `\s` means in Rust's regex (tiktoken, HF tokenizers). JavaScript's `\s`
 * differs: it adds U+FEFF and lacks U+0085, so "\uFEFF's" would split differently from the provider.
 */
const WHITE_SPACE = '\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** Rewrites `\s` / `\S` to Rust's meaning, inside and outside character classes. */
export function rustWhitespace(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const e = src[i + 1];
      i++;
      if (e === 's') out += inClass ? WHITE_SPACE : `[${WHITE_SPACE}]`;
      else if (e === 'S') {
        if (inClass) throw new Error(`\\S inside a character class is not supported: ${src}`);
        out += `[^${WHITE_SPACE}]`;
      } else out += `\\${e ?? ''}`;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    out += c;
  }
  return out;
}

/** A Rust regex as a JavaScript one: inline case-insensitive groups (which Node 20 lacks) spelled out, `\s` made Rust's. */
export function jsRegex(src: string): string {
  const spelled = src.replace(/\(\?i:([^()]*)\)/g, (_, body: string) => {
    const alts = body
      .split('|')
      .map((alt) =>
        [...alt]
          .map((c) => (c.toLowerCase() !== c.toUpperCase() ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c))
          .join(''),
      );
    return `(?:${alts.join('|')})`;
  });
  if (spelled.includes('(?i')) throw new Error(`unsupported regex: ${src}`);
  return rustWhitespace(spelled);
}

const pairOf = (m: string | [string, string]): [string, string] =>
  typeof m === 'string' ? (m.split(' ') as [string, string]) : m;

function buildHf(json: HfTokenizerJson, mode: 'rank' | 'merges' | 'splits'): Uint8Array {
  const { model } = json;
  const vocabMap = model.vocab;
  let n = 0;
  for (const id of Object.values(vocabMap)) if (id >= n) n = id + 1;
  const sentencepiece = model.byte_fallback === true;
  const fromChar = byteLevelDecoder();
  const tokens: (Uint8Array | undefined)[] = new Array(n);
  for (const [tok, id] of Object.entries(vocabMap)) {
    if (sentencepiece) {
      tokens[id] = utf8.encode(tok);
      continue;
    }
    const chars = [...tok];
    // Control tokens kept in the model vocabulary as plain text are not byte-level: content never reaches them.
    if (chars.some((c) => !fromChar.has(c))) continue;
    tokens[id] = Uint8Array.from(chars.map((c) => fromChar.get(c)!));
  }
  const vocab = PackedVocab.build(tokens);
  const byteIds: number[] = [];
  for (let b = 0; b < 256; b++) {
    const hex = `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
    byteIds.push(sentencepiece ? (vocabMap[hex] ?? -1) : vocab.lookup(Uint8Array.of(b), 0, 1));
  }

  let merges: PairMerges | undefined;
  let splitStart: Int32Array | undefined;
  let splitTable: Int32Array | undefined;
  if (mode === 'merges') {
    const rules: [number, number, number][] = [];
    for (const m of model.merges) {
      const [a, b] = pairOf(m);
      const ia = vocabMap[a];
      const ib = vocabMap[b];
      const im = vocabMap[a + b];
      if (ia !== undefined && ib !== undefined && im !== undefined) rules.push([ia, ib, im]);
    }
    merges = PairMerges.build(rules);
  } else if (mode === 'splits') {
    ({ splitStart, splits: splitTable } = splitTables(model, tokens, n));
  }

  const pre = json.pre_tokenizer;
  const steps = pre?.type === 'Sequence' ? (pre.pretokenizers ?? []) : pre ? [pre] : [];
  const splits = steps
    .filter((p) => p.type === 'Split' && p.pattern?.Regex)
    .map((p) => jsRegex(p.pattern!.Regex!));
  const norm = json.normalizer;
  const norms = norm?.type === 'Sequence' ? (norm.normalizers ?? []) : norm ? [norm] : [];
  const settings: LeanSettings = {
    mode,
    symbols: sentencepiece ? 'chars' : 'bytes',
    splits,
    splitMode: 'isolated',
    wholePiece: mode === 'rank' || model.ignore_merges === true,
    added: [],
    idOffset: 0,
    byteIds,
  };
  // Gemma 3 splits on " " after its normalizer has replaced every " " with "▁": a split
  // that can never match, so for cutting words it is the same as no pre-tokenizer.
  const spaceReplaced = norms.some((nm) => nm.type === 'Replace' && nm.pattern?.String === ' ');
  const inertPre =
    !pre || (spaceReplaced && steps.every((p) => p.type === 'Split' && p.pattern?.String === ' '));
  // Special added tokens are control tokens: content is not trusted to carry them, so they stay text.
  // Those whose content is the vocabulary token's bytes are stored as id ranges (see LeanSettings).
  const inVocab: number[] = [];
  for (const a of json.added_tokens) {
    if (a.special) continue;
    const bytes = utf8.encode(a.content);
    const wellFormed = (a.content as unknown as { isWellFormed(): boolean }).isWellFormed();
    if (wellFormed && vocab.lookup(bytes, 0, bytes.length) === a.id) inVocab.push(a.id);
    else settings.added.push({ content: a.content, id: a.id });
  }
  if (inVocab.length > 0) settings.addedInVocab = idRanges(inVocab);
  if (sentencepiece && inertPre) {
    // Tokens that contain a ▁ right after another character: the only ones a word cut could split.
    const marker = '▁';
    const bridges = Object.keys(vocabMap).filter((k) =>
      [...k].some((c, i, a) => c === marker && i > 0 && a[i - 1] !== marker),
    );
    settings.wordSplit = { marker, bridges };
  }
  for (const nm of norms) {
    if (nm.type === 'NFC') settings.normalize = 'NFC';
    else if (nm.type === 'Prepend') settings.prepend = nm.prepend;
    else if (nm.type === 'Replace' && nm.pattern?.String === ' ') settings.replaceSpace = nm.content;
    else throw new Error(`unsupported normalizer ${nm.type}`);
  }
  return writeLeanFile({ vocab, merges, splitStart, splits: splitTable, settings });
}

/**
 * The `splits` tables: for every token, the byte offset and merge rank of each of its
 * splits into two vocabulary tokens that the merge list holds.
 * Throws if the merge list holds a pair that is not such a split (then `splits` mode would be wrong).
 */
function splitTables(model: HfTokenizerJson['model'], tokens: (Uint8Array | undefined)[], n: number) {
  const vocabMap = model.vocab;
  const rankOf = new Map<string, number>();
  const usable = new Set<string>();
  model.merges.forEach((m, rank) => {
    const [a, b] = pairOf(m);
    const key = `${a}\u0000${b}`;
    if (!rankOf.has(key)) rankOf.set(key, rank);
    if (vocabMap[a] !== undefined && vocabMap[b] !== undefined && vocabMap[a + b] !== undefined)
      usable.add(key);
  });
  const splitStart = new Int32Array(n + 1);
  const ranks: number[] = [];
  const offsets: number[] = [];
  let found = 0;
  for (let t = 0; t < n; t++) {
    splitStart[t] = ranks.length;
    const tok = tokens[t];
    if (!tok) continue;
    const chars = [...utf8Decode.decode(tok)];
    const local: number[] = [];
    const localOffsets: number[] = [];
    for (let i = 1; i < chars.length; i++) {
      const a = chars.slice(0, i).join('');
      const b = chars.slice(i).join('');
      if (vocabMap[a] === undefined || vocabMap[b] === undefined) continue;
      const r = rankOf.get(`${a}\u0000${b}`);
      if (r === undefined) continue; // not a merge: the engine finds no rank and does not merge
      local.push(r);
      localOffsets.push(utf8.encode(a).length);
      found++;
    }
    ranks.push(...local);
    offsets.push(...localOffsets);
  }
  splitStart[n] = ranks.length;
  if (found !== usable.size) throw new Error(`${usable.size - found} merges are not splits of their token`);
  if (offsets.some((o) => o > 0xff)) throw new Error('a split offset does not fit in 8 bits');
  if (ranks.some((r) => r >= 1 << 23)) throw new Error('a merge rank does not fit in 23 bits');
  return { splitStart, splits: Int32Array.from(ranks, (r, i) => (r << 8) | offsets[i]!) };
}

/** Builds one vocabulary file from its source. */
export function buildVocabularyFile(source: VocabularySource): Uint8Array {
  if (source.kind === 'hf') return buildHf(source.json as HfTokenizerJson, source.mode);
  const settings: LeanSettings = {
    mode: 'rank',
    symbols: 'bytes',
    splits: [jsRegex(source.ranks.pat_str)],
    splitMode: 'tiktoken',
    wholePiece: true,
    added: [],
    idOffset: source.idOffset ?? 0,
    byteIds: [],
  };
  const vocab = PackedVocab.build(tiktokenTokens(source.ranks.bpe_ranks));
  return writeLeanFile({ vocab, merges: undefined, splitStart: undefined, splits: undefined, settings });
}

/** Sorted ids as `[first, count]` ranges of consecutive ids. */
function idRanges(ids: number[]): [number, number][] {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const id of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && last[0] + last[1] === id) last[1]++;
    else ranges.push([id, 1]);
  }
  return ranges;
}
