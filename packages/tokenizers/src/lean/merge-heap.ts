// The priority queue every BPE merge loop here shares: entries (rank, pos, a, b)
// in parallel typed arrays, lowest rank first and leftmost on ties — the order
// of tiktoken's scan and of the Rust `tokenizers` queue. `a` and `b` are what
// the caller needs to tell a stale entry from a live one.

/**
 * Scratch arrays up to this many elements are kept from one piece to the next; larger ones, which
 * only a huge word needs (a 1 MB one needs tens of MB), are freed after use. Every merge loop's
 * scratch follows this one bound.
 */
export const SCRATCH_KEPT = 1 << 16;

/** A binary min-heap of merge candidates ordered by (rank, pos). */
export class MergeHeap {
  rank = new Int32Array(64);
  pos = new Int32Array(64);
  a = new Int32Array(64);
  b = new Int32Array(64);
  size = 0;

  /** Empties the heap (keeps its arrays). */
  clear(): void {
    this.size = 0;
  }

  /** Bytes of the heap's arrays. */
  get byteLength(): number {
    return this.rank.byteLength * 4;
  }

  /** Empties the heap and gives back arrays a long piece grew (a 1 MB word needs 16+ MB of them). */
  release(): void {
    this.size = 0;
    // Four arrays per entry: a quarter of the count keeps the bytes of one kept Int32 scratch array.
    if (this.rank.length <= SCRATCH_KEPT / 4) return;
    this.rank = new Int32Array(64);
    this.pos = new Int32Array(64);
    this.a = new Int32Array(64);
    this.b = new Int32Array(64);
  }

  push(rank: number, pos: number, a: number, b: number): void {
    if (this.size === this.rank.length) this.grow();
    let i = this.size++;
    this.set(i, rank, pos, a, b);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  /** Removes the top entry (read it first from index 0 of the arrays). */
  pop(): void {
    const size = --this.size;
    if (size === 0) return;
    this.swap(0, size);
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && this.less(l, m)) m = l;
      if (r < size && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private less(x: number, y: number): boolean {
    const rx = this.rank[x]!;
    const ry = this.rank[y]!;
    return rx < ry || (rx === ry && this.pos[x]! < this.pos[y]!);
  }

  private set(i: number, rank: number, pos: number, a: number, b: number): void {
    this.rank[i] = rank;
    this.pos[i] = pos;
    this.a[i] = a;
    this.b[i] = b;
  }

  private swap(x: number, y: number): void {
    const { rank, pos, a, b } = this;
    const r = rank[x]!;
    const p = pos[x]!;
    const ax = a[x]!;
    const bx = b[x]!;
    this.set(x, rank[y]!, pos[y]!, a[y]!, b[y]!);
    this.set(y, r, p, ax, bx);
  }

  private grow(): void {
    const grow = (arr: Int32Array) => {
      const bigger = new Int32Array(arr.length * 2);
      bigger.set(arr);
      return bigger;
    };
    this.rank = grow(this.rank);
    this.pos = grow(this.pos);
    this.a = grow(this.a);
    this.b = grow(this.b);
  }
}
