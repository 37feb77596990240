// What the long-piece chunker (long-piece.ts) needs to know of one chunk's BPE run to
// decide, exactly, whether a merge across the chunk's edge would ever have happened:
// the rank of every merge in the order applied, and the chunk's first and last token
// after each merge.

/** The merge sequence of one chunk: `rank[k]` is the k-th merge's rank; `first[k]`/`last[k]` the edge tokens after k merges. */
export class MergeHistory {
  rank = new Int32Array(256);
  first = new Int32Array(257);
  last = new Int32Array(257);
  /** Merges recorded. */
  steps = 0;

  /** Starts a run whose first and last tokens are `first` and `last` (values as the merger defines them). */
  reset(first: number, last: number): void {
    this.steps = 0;
    this.first[0] = first;
    this.last[0] = last;
  }

  /** Records a merge of rank `rank`; `first`/`last` are the edge tokens after it. */
  step(rank: number, first: number, last: number): void {
    const k = this.steps++;
    if (k === this.rank.length) this.grow();
    this.rank[k] = rank;
    this.first[k + 1] = first;
    this.last[k + 1] = last;
  }

  private grow(): void {
    const widen = (a: Int32Array, n: number) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    const n = this.rank.length * 2;
    this.rank = widen(this.rank, n);
    this.first = widen(this.first, n + 1);
    this.last = widen(this.last, n + 1);
  }
}
