// One binary file per vocabulary: a small header, the engine's settings and a
// table of sections as JSON, then 8-byte-aligned typed arrays. Loading is one
// read plus typed-array views over it: no parsing of the vocabulary itself.
import { PackedVocab } from './packed-vocab.js';
import { PairMerges } from './pair-merges.js';

const MAGIC = 0x4e4c5443; // "CTLN"
const VERSION = 2;
const HEADER = 16;

/** How a vocabulary tokenizes; stored in the file beside its arrays. */
export interface LeanSettings {
  /**
   * `rank`: tiktoken's rule (merge the pair whose merged bytes have the lowest rank);
   * `merges`: an explicit HF merge list; `splits`: a sentencepiece-derived HF merge list, which lists
   * every split of a token into two tokens, stored per token as (merge rank, split offset) pairs (see split-merge.ts).
   */
  mode: 'rank' | 'merges' | 'splits';
  /** Initial symbols: UTF-8 bytes (byte-level BPE) or code points with byte fallback (sentencepiece). */
  symbols: 'bytes' | 'chars';
  /** Pre-tokenizer regexes applied in sequence (HF `Split`, Isolated); empty: a segment is one word. */
  splits: string[];
  /** `tiktoken`: only regex matches are pieces; `isolated`: text between matches is a piece too. */
  splitMode: 'tiktoken' | 'isolated';
  normalize?: 'NFC';
  /** Prepended to every text segment (Mistral v1's dummy prefix). */
  prepend?: string;
  /** Replaces every space (sentencepiece's ▁). */
  replaceSpace?: string;
  /**
   * Sentencepiece words: split a segment before each run of this marker (▁) that follows another
   * character — safe because no vocabulary token spans such a point, except the listed `bridges`
   * (tokens like Gemma 3's `>▁</`), at whose occurrences the segment is not split. Merging a
   * line word by word gives the same tokens as merging it whole, and lets the piece cache work.
   */
  wordSplit?: { marker: string; bridges: string[] };
  /** Emit a piece found whole in the vocabulary without merging (tiktoken; HF `ignore_merges`). */
  wholePiece: boolean;
  /** Added tokens cut out of the text before normalization. */
  added: { content: string; id: number }[];
  /**
   * More added tokens, stored as `[first id, count]` ranges of ids: those whose content is exactly
   * the vocabulary token's bytes, so the file need not repeat them as strings (Gemma 3's 6,406).
   */
  addedInVocab?: [number, number][];
  /** Added to every id (tekken numbers ranks after its control tokens). */
  idOffset: number;
  /** Ids of the 256 byte symbols (byte-level merges) or byte-fallback tokens; -1 where absent. */
  byteIds: number[];
}

type Arrays = Record<string, Int32Array | Uint32Array | Uint16Array | Uint8Array>;
const KINDS = { Int32Array, Uint32Array, Uint16Array, Uint8Array } as const;

/** A vocabulary file's contents. */
export interface LeanVocabulary {
  vocab: PackedVocab;
  merges: PairMerges | undefined;
  /** `splits` mode: where each token's splits start in `splits` (length: tokens + 1). */
  splitStart: Int32Array | undefined;
  /** `splits` mode: each listed split of each token as `merge rank << 8 | byte offset of the split`. */
  splits: Int32Array | undefined;
  settings: LeanSettings;
  fileBytes: number;
}

// ignoreBOM: a token that starts with U+FEFF keeps it.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Every added token of a vocabulary file: the listed ones, then those stored as id ranges. */
export function addedTokens(
  data: Pick<LeanVocabulary, 'settings' | 'vocab'>,
): { content: string; id: number }[] {
  const out = [...data.settings.added];
  for (const [first, count] of data.settings.addedInVocab ?? []) {
    for (let id = first; id < first + count; id++) {
      out.push({ content: utf8.decode(data.vocab.tokenBytes(id)), id });
    }
  }
  return out;
}

export function writeLeanFile(data: Omit<LeanVocabulary, 'fileBytes'>): Uint8Array {
  const arrays: Arrays = { offsets: data.vocab.offsets, table: data.vocab.table, bytes: data.vocab.bytes };
  if (data.merges) {
    arrays.mergeKeys = data.merges.keys;
    arrays.mergeValues = data.merges.values;
  }
  if (data.splitStart) arrays.splitStart = data.splitStart;
  if (data.splits) arrays.splits = data.splits;
  const sections: { name: string; kind: string; length: number; at: number }[] = [];
  let at = 0;
  for (const [name, a] of Object.entries(arrays)) {
    sections.push({ name, kind: a.constructor.name, length: a.length, at });
    at += Math.ceil(a.byteLength / 8) * 8;
  }
  const meta = new TextEncoder().encode(JSON.stringify({ settings: data.settings, sections }));
  const metaPadded = Math.ceil(meta.length / 8) * 8;
  const out = new Uint8Array(HEADER + metaPadded + at);
  new Uint32Array(out.buffer, 0, 4).set([MAGIC, VERSION, meta.length, 0]);
  out.set(meta, HEADER);
  const base = HEADER + metaPadded;
  for (const s of sections) {
    const a = arrays[s.name]!;
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), base + s.at);
  }
  return out;
}

export function readLeanFile(data: Uint8Array): LeanVocabulary {
  const buf = data.byteOffset % 8 === 0 ? data : data.slice();
  if (buf.byteLength < HEADER) throw new Error('not a ctxkit vocabulary file (too short)');
  const h = new Uint32Array(buf.buffer, buf.byteOffset, 4);
  if (h[0] !== MAGIC || h[1] !== VERSION)
    throw new Error('not a ctxkit vocabulary file (bad magic or version)');
  const metaLen = h[2]!;
  const meta = JSON.parse(new TextDecoder().decode(buf.subarray(HEADER, HEADER + metaLen))) as {
    settings: LeanSettings;
    sections: { name: string; kind: keyof typeof KINDS; length: number; at: number }[];
  };
  const base = buf.byteOffset + HEADER + Math.ceil(metaLen / 8) * 8;
  const arrays: Arrays = {};
  for (const s of meta.sections) {
    const Kind = KINDS[s.kind];
    if (!Kind) throw new Error(`ctxkit vocabulary file: unknown section type ${s.kind}`);
    if (base + s.at + s.length * Kind.BYTES_PER_ELEMENT > buf.byteOffset + buf.byteLength) {
      throw new Error('ctxkit vocabulary file: truncated');
    }
    arrays[s.name] = new Kind(buf.buffer as ArrayBuffer, base + s.at, s.length);
  }
  const vocab = new PackedVocab(
    arrays.bytes as Uint8Array,
    arrays.offsets as Uint32Array,
    arrays.table as Int32Array,
  );
  const merges = arrays.mergeKeys
    ? new PairMerges(arrays.mergeKeys as Int32Array, arrays.mergeValues as Int32Array)
    : undefined;
  return {
    vocab,
    merges,
    splitStart: arrays.splitStart as Int32Array | undefined,
    splits: arrays.splits as Int32Array | undefined,
    settings: meta.settings,
    fileBytes: buf.byteLength,
  };
}
