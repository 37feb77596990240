// Per-vocabulary Bloom filters of word pieces, for the fallback estimator: which strings
// of non-ASCII letters of one script (with or without a leading space) are tokens of the
// vocabulary. How many tokens a word of Arabic, Thai or Russian costs follows how common
// the word is — a fact of the vocabulary that no character class can tell (Arabic on
// o200k_base: 0.71–1.23 × the class estimate from one sentence to the next). Walking a
// word and starting a new piece wherever the piece so far stops being a token (or the
// start of one) counts its pieces to within ~2 % of the exact count on held-out text
// (ESTIMATORS.md); a filter of ≥ 12 bits per piece keeps that knowledge in 8–256 KB per
// vocabulary where the vocabulary is MBs.
//
// Hash: FNV-1a over UTF-16 code units, one step per character, so extending a piece by a
// character costs one multiply.

/** Longest piece (UTF-16 code units, with its leading space) a filter holds or a walk keeps. */
export const PIECE_MAX_LENGTH = 16;

/** Bits per stored piece before rounding the filter up to a power of two. */
export const PIECE_BITS_PER_KEY = 12;

/** A loaded filter: a power-of-two number of 512-bit blocks. */
export interface PieceFilter {
  bits: Uint32Array;
  /** Block count − 1. */
  mask: number;
}

/** FNV-1a offset basis: the hash of the empty piece. */
export const PIECE_SEED = 0x811c9dc5;

/** The hash of a piece extended by code unit `u`. */
export function pieceStep(h: number, u: number): number {
  return Math.imul(h ^ u, 0x01000193) >>> 0;
}

/** The hash of a whole piece: `text[start..end)` (all of `text` by default). */
export function pieceHash(text: string, start = 0, end = text.length): number {
  let h = PIECE_SEED;
  for (let i = start; i < end; i++) h = pieceStep(h, text.charCodeAt(i));
  return h;
}

// A blocked Bloom filter: a piece's four bits all lie in one 512-bit block (one 64-byte
// cache line), so a lookup costs one memory access instead of four — measured ×1.07 on
// script text against four probes spread over the table (27.0 → 29.0 M chars/s). False
// positives: 0.1–0.6 % per lookup on the shipped filters (random hashes and strings, as
// the fill predicts). The block comes from the FNV hash, the bits from a murmur3
// finaliser of it.
const BLOCK_WORDS = 16;
const BLOCK_BITS = 512;

function blockBits(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Bit `k` (0–3) of a piece within its block: 9 bits each of `x` = blockBits(h), the last topped up from `h`. */
function probeBit(x: number, h: number, k: number): number {
  return (k < 3 ? x >>> (9 * k) : (x >>> 27) | ((h >>> 23) << 5)) & 511;
}

/** Whether the piece with hash `h` may be a token or a token's start (no false negatives, ~0.1–0.6 % false positives). */
export function hasPiece(filter: PieceFilter, h: number): boolean {
  const { bits, mask } = filter;
  const base = (h & mask) * BLOCK_WORDS;
  const x = blockBits(h);
  // Unrolled: a loop over k cost ×0.83 on script text (this runs once per letter).
  const b0 = probeBit(x, h, 0);
  const b1 = probeBit(x, h, 1);
  const b2 = probeBit(x, h, 2);
  const b3 = probeBit(x, h, 3);
  return (
    ((bits[base + (b0 >>> 5)] as number) & (1 << (b0 & 31))) !== 0 &&
    ((bits[base + (b1 >>> 5)] as number) & (1 << (b1 & 31))) !== 0 &&
    ((bits[base + (b2 >>> 5)] as number) & (1 << (b2 & 31))) !== 0 &&
    ((bits[base + (b3 >>> 5)] as number) & (1 << (b3 & 31))) !== 0
  );
}

/** Builds a filter holding `pieces` (sized to PIECE_BITS_PER_KEY bits each, rounded up to a power of two). */
export function buildPieceFilter(pieces: readonly string[]): PieceFilter {
  let size = BLOCK_BITS * 2;
  while (size < pieces.length * PIECE_BITS_PER_KEY) size *= 2;
  const bits = new Uint32Array(size / 32);
  const mask = size / BLOCK_BITS - 1;
  for (const piece of pieces) {
    const h = pieceHash(piece);
    const base = (h & mask) * BLOCK_WORDS;
    const x = blockBits(h);
    for (let k = 0; k < 4; k++) {
      const b = probeBit(x, h, k);
      bits[base + (b >>> 5)] = (bits[base + (b >>> 5)] as number) | (1 << (b & 31));
    }
  }
  return { bits, mask };
}

/**
 * The file layout of data/piece-filters.bin: per vocabulary (FITTED_VOCABULARIES order) a
 * little-endian u32 word count, then the filter's words.
 */
export function packPieceFilters(filters: readonly PieceFilter[]): Uint8Array {
  const words = filters.reduce((n, f) => n + 1 + f.bits.length, 0);
  const out = new Uint32Array(words);
  let at = 0;
  for (const f of filters) {
    out[at++] = f.bits.length;
    out.set(f.bits, at);
    at += f.bits.length;
  }
  return new Uint8Array(out.buffer);
}

/** Reads `count` filters back from packPieceFilters' bytes (views, no copy when aligned); throws on a bad layout. */
export function unpackPieceFilters(bytes: Uint8Array, count: number): PieceFilter[] {
  if (bytes.byteLength % 4 !== 0) throw new RangeError('piece filter file is not whole words');
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
  const out: PieceFilter[] = [];
  let at = 0;
  for (let k = 0; k < count; k++) {
    const n = words[at++];
    if (n === undefined || n < 2 * BLOCK_WORDS || (n & (n - 1)) !== 0 || at + n > words.length)
      throw new RangeError(`piece filter ${k} has a bad size`);
    out.push({ bits: words.subarray(at, at + n), mask: n / BLOCK_WORDS - 1 });
    at += n;
  }
  if (at !== words.length) throw new RangeError('piece filter file has trailing bytes');
  return out;
}
