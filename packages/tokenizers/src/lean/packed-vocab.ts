// A vocabulary in three typed arrays: every token's bytes back to back
// (`bytes`), where each token starts (`offsets`, indexed by id), and an
// open-addressing hash table (`table`) from a byte range to its id. No strings,
// no per-token objects: a few MB that load as views over one file (lean-file.ts).

const EMPTY = -1;

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
   * {@link lookup}, for the merge of long pieces: most pairs a long word that never repeats asks
   * about are not tokens, and each such miss reads a cold slot of the multi-MB table. A bit per
   * hash value (high bits of the same hash; 4+ bits per token, a 64–128 KB bitmap that stays in
   * cache) answers most of them; a set bit goes on to the table, so the result is the same.
   */
  lookupFiltered(buf: Uint8Array, start: number, end: number): number {
    const h = hashBytes(buf, start, end);
    const filter = this.filter ?? this.buildFilter();
    const bit = h >>> this.filterShift;
    if ((filter[bit >>> 5]! & (1 << (bit & 31))) === 0) return -1;
    return this.probe(buf, start, end, h);
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

  /** Bytes held by the three arrays. */
  get byteLength(): number {
    return (
      this.bytes.byteLength + this.offsets.byteLength + this.table.byteLength + (this.filter?.byteLength ?? 0)
    );
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
