// The merge order every BPE merge loop here shares — lowest rank first, leftmost on
// ties, the order of tiktoken's scan and of the Rust `tokenizers` queue — kept as a
// tournament tree over symbol positions: leaf `p` holds the current pair starting at
// symbol `p` as one double, `rank * 2^32 + p` (or +∞ when it does not merge), and every
// inner node the lower of its two children, so the root is the next merge. A merge
// changes three leaves (the pair it makes, the pair before it, the pair it swallowed),
// each update walking up only while the minimum changes. Unlike a heap with lazy
// invalidation it holds no stale entries to pop (a heap pops three per merge, each
// sifting down with three arrays), which made the merge of a long aperiodic word
// (10 MB of random letters) the slowest input of all.

/**
 * Scratch arrays up to this many elements are kept from one piece to the next; larger ones, which
 * only a huge word needs (a 1 MB one needs tens of MB), are freed after use. Every merge loop's
 * scratch follows this one bound.
 */
export const SCRATCH_KEPT = 1 << 16;

/** 2^32: a key is `rank * POS_SPAN + pos`, exact in a double for ranks below 2^21 and any position. */
const POS_SPAN = 4294967296;

/** The pending merges of one piece, by (rank, position). */
export class MergeTree {
  /** `key[1]` is the root; leaves are `key[leaves + p]`. */
  private key = new Float64Array(128);
  private leaves = 64;

  /** Starts a piece of `n` symbol positions, none merging yet (then `init` each, then `build`). */
  reset(n: number): void {
    let leaves = 1;
    while (leaves < n) leaves <<= 1;
    if (this.key.length < 2 * leaves) this.key = new Float64Array(2 * leaves);
    this.leaves = leaves;
    this.key.fill(Number.POSITIVE_INFINITY, leaves, 2 * leaves);
  }

  /** Sets the pair at `pos` before `build` (rank -1: it does not merge). */
  init(pos: number, rank: number): void {
    if (rank !== -1) this.key[this.leaves + pos] = rank * POS_SPAN + pos;
  }

  /** Computes the inner nodes from the leaves set by `init`. */
  build(): void {
    const { key } = this;
    for (let i = this.leaves - 1; i >= 1; i--) {
      const l = key[2 * i]!;
      const r = key[2 * i + 1]!;
      // biome-ignore lint/complexity/useMathMinMax: the inner loop of every long merge; no NaN or -0 here to handle
      key[i] = l < r ? l : r;
    }
  }

  /** Sets the pair at `pos` to `rank` (-1: it does not merge, or `pos` is gone). */
  set(pos: number, rank: number): void {
    const { key } = this;
    let i = this.leaves + pos;
    key[i] = rank === -1 ? Number.POSITIVE_INFINITY : rank * POS_SPAN + pos;
    for (i >>= 1; i >= 1; i >>= 1) {
      const l = key[2 * i]!;
      const r = key[2 * i + 1]!;
      // biome-ignore lint/complexity/useMathMinMax: the inner loop of every long merge; no NaN or -0 here to handle
      const m = l < r ? l : r;
      if (key[i] === m) return; // the ancestors are unchanged too
      key[i] = m;
    }
  }

  /** Whether a pair still merges. */
  get empty(): boolean {
    return this.key[1] === Number.POSITIVE_INFINITY;
  }

  /** Rank of the next merge (not when `empty`). */
  topRank(): number {
    return Math.floor(this.key[1]! / POS_SPAN);
  }

  /** Position of the next merge's left symbol (not when `empty`). */
  topPos(): number {
    // Not `key % POS_SPAN`: a float modulo (fmod) was 6 % of a long word's merge; this is exact too.
    const key = this.key[1]!;
    return key - Math.floor(key / POS_SPAN) * POS_SPAN;
  }

  /** Bytes of the tree's array. */
  get byteLength(): number {
    return this.key.byteLength;
  }

  /** Gives back the array a long piece grew (a 1 MB word needs 16 MB of it). */
  release(): void {
    // Doubles, two per leaf: keeps about the bytes of the other kept scratch arrays.
    if (this.key.length <= SCRATCH_KEPT / 2) return;
    this.key = new Float64Array(128);
    this.leaves = 64;
  }
}
