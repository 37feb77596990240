// Long pieces (a 10 MB run of `=`, of spaces, of one letter is one pre-token) are merged
// chunk by chunk, exactly. The tree merge of one huge piece is O(n log n) but slow in
// practice (its arrays fall out of cache: 10 MB of `a` took 8–16 s); chunks of a few
// thousand symbols stay in cache, and the identical chunks of a periodic run are merged once.
//
// Why a cut is exact when it is accepted. BPE repeatedly applies the pair of lowest
// (rank, position). Cut the piece into L and R. Until a merge joins L's last token with
// R's first (a crossing), the merges on each side depend only on that side, so the
// whole-piece run is an interleaving of L's own run and R's own run: at each point the
// lower of the two sides' next ranks goes first (L on ties, being left of R). The crossing
// pair — L's current last token with R's current first — goes first when its rank is
// below L's next rank (L's pairs are left of it) and not above R's (it is left of R's). So
// walking both recorded runs in that interleaved order and checking the crossing pair at
// every state tells whether a crossing ever happens; when none does, BPE(L + R) =
// BPE(L) + BPE(R). With many chunks the same holds cut by cut: the first crossing of the
// whole run would show in the walk of its own two chunks, whose interleaving is the same.
// A cut that fails the check is never used: the rest of the piece goes to the plain tree merge.
// Where to cut is only a guess (the proof above decides): a token boundary near
// CHUNK_SYMBOLS in the run of a short window around it (BPE is mostly local), else — when
// that cut fails, as in a run whose tokens are not aligned with the window — the first
// token boundary after CHUNK_SYMBOLS in the run of the next 2 × CHUNK_SYMBOLS symbols,
// which has the chunk's own start, so the phase of a periodic run is right.
import { MergeHistory } from './merge-history.js';

/** Symbols per chunk, roughly (each cut moves to a likely token boundary after this many). */
export const CHUNK_SYMBOLS = 2048;
/** Pieces of more than this many symbols are merged chunk by chunk. */
export const LONG_PIECE_SYMBOLS = 4 * CHUNK_SYMBOLS;

/** A merge rule as the chunker sees it; positions are symbol indices of the piece. */
export interface ChunkMerger {
  /**
   * Merges symbols `[a, b)` alone and returns the token count; records the run in `history`,
   * pushes the ids to `out` and each token's first symbol (relative to `a`) to `partStarts`, each if given.
   */
  merge(
    a: number,
    b: number,
    history: MergeHistory | null,
    out: number[] | null,
    partStarts?: number[] | null,
  ): number;
  /**
   * Rank of merging chunk `[la, ra)`'s last token with chunk `[ra, …)`'s first, given their
   * recorded values (`history.last` of the left, `history.first` of the right); -1 if none.
   */
  cross(la: number, last: number, ra: number, first: number): number;
  /** Whether symbols `[a, b)` and `[c, d)` are the same (then so are their runs). */
  same(a: number, b: number, c: number, d: number): boolean;
}

const NONE = 0x7fffffff;

/** Whether no merge crosses the cut between two chunks, given their recorded runs. */
function noCrossing(
  merger: ChunkMerger,
  la: number,
  left: MergeHistory,
  ra: number,
  right: MergeHistory,
): boolean {
  let i = 0;
  let j = 0;
  let last = Number.NaN;
  let first = Number.NaN;
  let cross = NONE;
  for (;;) {
    const l = i < left.steps ? left.rank[i]! : NONE;
    const r = j < right.steps ? right.rank[j]! : NONE;
    if (left.last[i] !== last || right.first[j] !== first) {
      last = left.last[i]!;
      first = right.first[j]!;
      const c = merger.cross(la, last, ra, first);
      cross = c === -1 ? NONE : c;
    }
    if (cross !== NONE && cross < l && cross <= r) return false;
    if (l === NONE && r === NONE) return true;
    if (l <= r) i++;
    else j++;
  }
}

/** One merged chunk: its range, count, ids (when encoding) and recorded run. */
class Chunk {
  a = 0;
  b = 0;
  count = 0;
  readonly ids: number[] = [];
  readonly history = new MergeHistory();

  run(merger: ChunkMerger, a: number, b: number, encoding: boolean): void {
    this.a = a;
    this.b = b;
    this.ids.length = 0;
    this.count = merger.merge(a, b, this.history, encoding ? this.ids : null);
  }
}

/** Half the short window a cut is first looked for in. */
const NEAR = 64;

/** Finds cuts for chunks starting at a given symbol, remembering the last window for periodic runs. */
class CutFinder {
  private at = -1;
  private cut = 0;
  private readonly starts: number[] = [];

  /** `from`: where the window starts relative to the chunk; `size`: its length; `after`: the earliest cut in it. */
  constructor(
    private readonly from: number,
    private readonly size: number,
    private readonly after: number,
  ) {}

  /** A likely token boundary, relative to the chunk start `a`. */
  find(merger: ChunkMerger, a: number): number {
    const w = a + this.from;
    if (this.at < 0 || !merger.same(w, w + this.size, this.at, this.at + this.size)) {
      this.starts.length = 0;
      merger.merge(w, w + this.size, null, null, this.starts);
      this.at = w;
      this.cut = this.from + (this.starts.find((p) => p >= this.after) ?? this.after);
    }
    return this.cut;
  }
}

/**
 * BPE of a piece of `n` symbols, chunk by chunk where every cut is proven exact (see above).
 * A chunk whose end fails the proof is cut again by the far window (its start is proven
 * again); when that fails too, the whole piece is merged as one. Pushes ids to `out` if
 * given; returns the token count.
 */
export function mergeLongPiece(merger: ChunkMerger, n: number, out: number[] | null): number {
  const encoding = out !== null;
  const mark = out ? out.length : 0;
  // `prev` is the chunk before `left` (kept to prove `left`'s start again if `left` is re-cut);
  // after a repeated chunk it is `left` itself, with `prevA` telling where it was.
  let prev: Chunk | null = null;
  let prevA = 0;
  let left = new Chunk();
  let spare = new Chunk();
  let total = 0;
  // Whether a cut between two copies of `left`'s content was proven.
  let repeatAccepted = false;
  const near = new CutFinder(CHUNK_SYMBOLS - NEAR, 2 * NEAR, NEAR);
  const far = new CutFinder(0, 2 * CHUNK_SYMBOLS, CHUNK_SYMBOLS);

  const flush = (chunk: Chunk) => {
    total += chunk.count;
    if (out) for (const id of chunk.ids) out.push(id);
  };
  /** Takes `[a, b)` as the chunk after `left` if the cut at `a` is proven exact. */
  const next = (a: number, b: number): boolean => {
    if (b - a === left.b - left.a && merger.same(a, b, left.a, left.b)) {
      // The same chunk again (a periodic run): its run, and the verdict on a cut between
      // two copies of it, are those already computed.
      if (!repeatAccepted) repeatAccepted = noCrossing(merger, left.a, left.history, a, left.history);
      if (!repeatAccepted) return false;
      flush(left);
      prev = left;
      prevA = left.a;
      left.a = a;
      left.b = b;
      return true;
    }
    spare.run(merger, a, b, encoding);
    if (!noCrossing(merger, left.a, left.history, a, spare.history)) return false;
    repeatAccepted = false;
    flush(left);
    const free = prev !== null && prev !== left ? prev : new Chunk();
    prev = left;
    prevA = left.a;
    left = spare;
    spare = free;
    return true;
  };

  const long = (a: number) => n - a > 3 * CHUNK_SYMBOLS;
  // After a near cut failed and a far one held (a periodic run whose tokens do not align
  // with the near window), every later cut of this piece is taken from the far window.
  let useFar = false;
  let leftNear = long(0);
  left.run(merger, 0, leftNear ? near.find(merger, 0) : n, encoding);
  while (left.b < n) {
    const a = left.b;
    const isLong = long(a);
    if (next(a, isLong ? a + (useFar ? far : near).find(merger, a) : n)) {
      leftNear = isLong && !useFar;
      continue;
    }
    if (leftNear) {
      // Cut `left` again where the far window says, and prove its start again.
      const s = left.a;
      const e = s + far.find(merger, s);
      if (e !== left.b) {
        spare.run(merger, s, e, encoding);
        const before = prev as Chunk | null;
        if (before === null || noCrossing(merger, prevA, before.history, s, spare.history)) {
          const free = left !== prev ? left : new Chunk();
          left = spare;
          spare = free;
          repeatAccepted = false;
          leftNear = false;
          useFar = true;
          continue;
        }
      }
    }
    // No proof: merge the whole piece as one.
    if (out) out.length = mark;
    return merger.merge(0, n, null, out);
  }
  flush(left);
  return total;
}
