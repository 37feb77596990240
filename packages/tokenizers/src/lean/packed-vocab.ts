// A vocabulary in three typed arrays: every token's bytes back to back
// (`bytes`), where each token starts (`offsets`, indexed by id), and an
// open-addressing hash table (`table`) from a byte range to its id. No strings,
// no per-token objects: a few MB that load as views over one file (lean-file.ts).

const EMPTY = -1;
/** Tokens of up to this many bytes are in {@link ShortTokens}. */
const SHORT_MAX = 4;

/** FNV-1a over a byte range; the table's hash. */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= buf[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A loaded packed vocabulary. */
export class PackedVocab {
  readonly size: number;
  private readonly mask: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly offsets: Uint32Array,
    readonly table: Int32Array,
  ) {
    this.size = offsets.length - 1;
    this.mask = table.length - 1;
  }

  /** The rank of the token whose bytes are `buf[start..end)`, or -1. */
  lookup(buf: Uint8Array, start: number, end: number): number {
    return this.probe(buf, start, end, hashBytes(buf, start, end));
  }

  /**
   * {@link lookup}, for the merge of pieces over 32 bytes: most pairs a long word that never
   * repeats asks about are not tokens, and each such miss reads a cold slot of the multi-MB table.
   * A bit per hash value (high bits of the same hash; 4+ bits per token, a 64–128 KB bitmap that
   * stays in cache, built on first use) answers most of them; a set bit goes on to the table, so
   * the result is the same.
   */
  lookupFiltered(buf: Uint8Array, start: number, end: number): number {
    const h = hashBytes(buf, start, end);
    const filter = this.filter ?? this.buildFilter();
    const bit = h >>> this.filterShift;
    if ((filter[bit >>> 5]! & (1 << (bit & 31))) === 0) return -1;
    return this.probe(buf, start, end, h);
  }

  /**
   * {@link lookup}, for the chunked merge of long pieces (long-piece.ts), which asks about
   * millions of pairs: even the tokens among them are cold in the multi-MB table, where a lookup
   * reads a slot, an offset and the token's bytes (three cache misses). Nearly all of them are
   * 2–4 bytes long (a random 10 MB word: 98 %), so those go to {@link ShortTokens} (one read,
   * mostly cached; 1.3 MB for o200k, built on the first long piece), the rest to
   * {@link lookupFiltered}. Same result as `lookup`.
   */
  lookupLong(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    if (len >= 2 && len <= SHORT_MAX) return (this.short ?? this.buildShort()).lookup(buf, start, len);
    return this.lookupFiltered(buf, start, end);
  }

  private probe(buf: Uint8Array, start: number, end: number, h: number): number {
    const len = end - start;
    const { bytes, offsets, table, mask } = this;
    let slot = h & mask;
    for (;;) {
      const rank = table[slot]!;
      if (rank === EMPTY) return -1;
      const o = offsets[rank]!;
      if (offsets[rank + 1]! - o === len) {
        let i = 0;
        while (i < len && bytes[o + i] === buf[start + i]) i++;
        if (i === len) return rank;
      }
      slot = (slot + 1) & mask;
    }
  }

  private filter: Int32Array | undefined;
  private filterShift = 0;
  private short: ShortTokens | undefined;

  /** The tables of {@link lookupLong} for 2–4-byte pairs, built on the first long piece. */
  private buildShort(): ShortTokens {
    this.short = new ShortTokens(this);
    return this.short;
  }

  /** The bitmap of {@link lookupFiltered}: the bit of every token's hash is set. */
  private buildFilter(): Int32Array {
    let bits = 5;
    while (1 << bits < this.size * 4) bits++;
    const filter = new Int32Array(1 << (bits - 5));
    const shift = 32 - bits;
    const { bytes, offsets } = this;
    for (let r = 0; r < this.size; r++) {
      if (offsets[r + 1] === offsets[r]) continue;
      const bit = hashBytes(bytes, offsets[r]!, offsets[r + 1]!) >>> shift;
      filter[bit >>> 5]! |= 1 << (bit & 31);
    }
    this.filterShift = shift;
    this.filter = filter;
    return filter;
  }

  /** The bytes of a rank (a view, not a copy). */
  tokenBytes(rank: number): Uint8Array {
    return this.bytes.subarray(this.offsets[rank]!, this.offsets[rank + 1]!);
  }

  /** Bytes held by the three arrays and the tables derived from them so far. */
  get byteLength(): number {
    return this.bytes.byteLength + this.offsets.byteLength + this.table.byteLength + this.derivedBytes;
  }

  /** Bytes of the tables built on first use (the bitmap of `lookupFiltered`, the tables of `lookupLong`). */
  get derivedBytes(): number {
    return (this.filter?.byteLength ?? 0) + (this.short?.byteLength ?? 0);
  }

  /**
   * Builds a vocabulary from token byte strings indexed by rank. Missing ranks
   * (holes) are allowed and take no bytes; duplicate byte strings keep the lowest rank.
   */
  static build(tokens: readonly (Uint8Array | undefined)[]): PackedVocab {
    const n = tokens.length;
    const offsets = new Uint32Array(n + 1);
    let total = 0;
    for (let r = 0; r < n; r++) {
      offsets[r] = total;
      total += tokens[r]?.length ?? 0;
    }
    offsets[n] = total;
    const bytes = new Uint8Array(total);
    for (let r = 0; r < n; r++) if (tokens[r]) bytes.set(tokens[r]!, offsets[r]!);
    let cap = 1;
    while (cap < n * 2) cap <<= 1;
    const table = new Int32Array(cap).fill(EMPTY);
    const vocab = new PackedVocab(bytes, offsets, table);
    for (let r = 0; r < n; r++) {
      const len = offsets[r + 1]! - offsets[r]!;
      if (len === 0) continue;
      if (vocab.lookup(bytes, offsets[r]!, offsets[r + 1]!) !== -1) continue;
      let slot = hashBytes(bytes, offsets[r]!, offsets[r + 1]!) & (cap - 1);
      while (table[slot] !== EMPTY) slot = (slot + 1) & (cap - 1);
      table[slot] = r;
    }
    return vocab;
  }
}

/**
 * The tokens of 2–4 bytes, derived from a {@link PackedVocab} for the merge of long pieces: a
 * direct table by the two bytes (256 KB) and an open-addressing table whose slots hold the
 * 3–4 bytes packed in one Int32 beside `rank << 3 | length` (o200k: 44k tokens, 1 MB), so one
 * probe reads one cache line instead of a slot, an offset and the token's bytes. Only tokens
 * that `lookup` itself returns are entered, so both always answer the same.
 */
export class ShortTokens {
  /** Rank of the 2-byte token `b0 | b1 << 8`, or -1. */
  private readonly pairs = new Int32Array(1 << 16).fill(EMPTY);
  /** Slot `i`: packed bytes at `2i`, `rank << 3 | length` at `2i + 1` (-1: empty). */
  private readonly slots: Int32Array;
  private readonly shift: number;
  /**
   * A bit per hash value of the 3–4-byte keys (8+ bits per token, 64 KB for o200k), checked
   * first: most 3–4-byte pairs of a long word are not tokens (a random word: 80 %), and the bitmap
   * stays in cache where the 1 MB table does not.
   */
  private readonly filter: Int32Array;
  private readonly filterShift: number;

  constructor(vocab: PackedVocab) {
    const { bytes, offsets } = vocab;
    let longer = 0;
    for (let r = 0; r < vocab.size; r++) {
      const len = offsets[r + 1]! - offsets[r]!;
      if (len > 2 && len <= SHORT_MAX) longer++;
    }
    let bits = 4;
    while (1 << bits < longer * 2) bits++;
    this.shift = 32 - bits;
    this.slots = new Int32Array(2 << bits).fill(EMPTY);
    let filterBits = 5;
    while (1 << filterBits < longer * 8) filterBits++;
    this.filterShift = 32 - filterBits;
    this.filter = new Int32Array(1 << (filterBits - 5));
    for (let r = 0; r < vocab.size; r++) {
      const o = offsets[r]!;
      const len = offsets[r + 1]! - o;
      if (len < 2 || len > SHORT_MAX || vocab.lookup(bytes, o, o + len) !== r) continue;
      if (len === 2) {
        this.pairs[bytes[o]! | (bytes[o + 1]! << 8)] = r;
        continue;
      }
      const key = packed(bytes, o, len);
      let slot = this.slotOf(key, len);
      while (this.slots[2 * slot + 1] !== EMPTY) slot = (slot + 1) & ((1 << bits) - 1);
      this.slots[2 * slot] = key;
      this.slots[2 * slot + 1] = (r << 3) | len;
      const bit = this.bitOf(key, len);
      this.filter[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  /** The rank of the token `buf[start..start + len)` (2 ≤ len ≤ 4), or -1. */
  lookup(buf: Uint8Array, start: number, len: number): number {
    if (len === 2) return this.pairs[buf[start]! | (buf[start + 1]! << 8)]!;
    const key = packed(buf, start, len);
    const bit = this.bitOf(key, len);
    if ((this.filter[bit >>> 5]! & (1 << (bit & 31))) === 0) return -1;
    const { slots } = this;
    const mask = (slots.length >>> 1) - 1;
    for (let slot = this.slotOf(key, len); ; slot = (slot + 1) & mask) {
      const value = slots[2 * slot + 1]!;
      if (value === EMPTY) return -1;
      if (slots[2 * slot] === key && (value & 7) === len) return value >> 3;
    }
  }

  private slotOf(key: number, len: number): number {
    return Math.imul(key ^ len, 0x9e3779b1) >>> this.shift;
  }

  private bitOf(key: number, len: number): number {
    return Math.imul(key ^ (len << 24), 0x85ebca6b) >>> this.filterShift;
  }

  /** Bytes of the tables and the bitmap. */
  get byteLength(): number {
    return this.pairs.byteLength + this.slots.byteLength + this.filter.byteLength;
  }
}

/** Bytes `buf[start..start + len)` (len 3 or 4) as one Int32, first byte lowest. */
function packed(buf: Uint8Array, start: number, len: number): number {
  const three = buf[start]! | (buf[start + 1]! << 8) | (buf[start + 2]! << 16);
  return len === 3 ? three : three | (buf[start + 3]! << 24);
}
