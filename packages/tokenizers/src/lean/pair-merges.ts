// HF-style BPE merging on token ids: adjacent symbols (a, b) merge when the
// vocabulary lists the merge "a b", lowest merge rank first, leftmost on ties
// (the order of the Rust `tokenizers` priority queue). The merge table is an
// open-addressing hash from an id pair to (rank, merged id) in typed arrays.

import { LONG_PIECE_SYMBOLS, mergeLongPiece } from './long-piece.js';
import type { MergeHistory } from './merge-history.js';
import { MergeTree, SCRATCH_KEPT } from './merge-tree.js';

const EMPTY = -1;

function pairHash(a: number, b: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x632be5ab, 0x85ebca77)) >>> 0;
}

/** Merge rules as typed arrays: keys [a, b] and values [rank, merged] per slot. */
export class PairMerges {
  private readonly mask: number;
  constructor(
    readonly keys: Int32Array,
    readonly values: Int32Array,
  ) {
    this.mask = keys.length / 2 - 1;
  }

  /** Slot of (a, b), or -1. */
  find(a: number, b: number): number {
    const { keys, mask } = this;
    let slot = pairHash(a, b) & mask;
    for (;;) {
      const k = keys[slot * 2]!;
      if (k === EMPTY) return -1;
      if (k === a && keys[slot * 2 + 1] === b) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /**
   * {@link find}, for the merge of long words: most pairs a long word that never repeats asks about
   * have no rule, and each such miss reads a cold slot of the multi-MB table. A bit per hash value
   * (high bits of the same hash; 4+ bits per rule, built on first use) answers most of them; a set
   * bit goes on to the table, so the result is the same.
   */
  findFiltered(a: number, b: number): number {
    const h = pairHash(a, b);
    const filter = this.filter ?? this.buildFilter();
    const bit = h >>> this.filterShift;
    if ((filter[bit >>> 5]! & (1 << (bit & 31))) === 0) return -1;
    const { keys, mask } = this;
    let slot = h & mask;
    for (;;) {
      const k = keys[slot * 2]!;
      if (k === EMPTY) return -1;
      if (k === a && keys[slot * 2 + 1] === b) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private filter: Int32Array | undefined;
  private filterShift = 0;

  /** The bitmap of {@link findFiltered}: the bit of every rule's hash is set. */
  private buildFilter(): Int32Array {
    const { keys } = this;
    const slots = keys.length / 2;
    let rules = 0;
    for (let i = 0; i < slots; i++) if (keys[i * 2] !== EMPTY) rules++;
    let bits = 5;
    while (1 << bits < rules * 4) bits++;
    const filter = new Int32Array(1 << (bits - 5));
    const shift = 32 - bits;
    for (let i = 0; i < slots; i++) {
      if (keys[i * 2] === EMPTY) continue;
      const bit = pairHash(keys[i * 2]!, keys[i * 2 + 1]!) >>> shift;
      filter[bit >>> 5]! |= 1 << (bit & 31);
    }
    this.filterShift = shift;
    this.filter = filter;
    return filter;
  }

  rank(slot: number): number {
    return this.values[slot * 2]!;
  }

  merged(slot: number): number {
    return this.values[slot * 2 + 1]!;
  }

  get byteLength(): number {
    return this.keys.byteLength + this.values.byteLength + this.derivedBytes;
  }

  /** Bytes of the bitmap of {@link findFiltered} (0 until a long word builds it). */
  get derivedBytes(): number {
    return this.filter?.byteLength ?? 0;
  }

  /** Builds the table from [a, b, merged] triples in rank order. */
  static build(rules: readonly [number, number, number][]): PairMerges {
    let cap = 1;
    while (cap < rules.length * 1.6) cap <<= 1;
    const keys = new Int32Array(cap * 2).fill(EMPTY);
    const values = new Int32Array(cap * 2);
    const table = new PairMerges(keys, values);
    rules.forEach(([a, b, m], rank) => {
      if (table.find(a, b) !== -1) return; // first (lowest) rank wins
      let slot = pairHash(a, b) & (cap - 1);
      while (keys[slot * 2] !== EMPTY) slot = (slot + 1) & (cap - 1);
      keys[slot * 2] = a;
      keys[slot * 2 + 1] = b;
      values[slot * 2] = rank;
      values[slot * 2 + 1] = m;
    });
    return table;
  }
}

const tree = new MergeTree();
/** Words of up to this many symbols merge by a scan (no tree); longer ones by the tree (merge-tree.ts). */
const SCAN_LIMIT = 48;
const scanSlots = new Int32Array(SCAN_LIMIT);
// Linked-list scratch for the tree path, grown on demand and reused across calls.
let next = new Int32Array(256);
let prev = new Int32Array(256);

/** Bytes of the merge scratch shared by every engine in this module (kept between words). */
export function mergeScratchBytes(): number {
  return scanSlots.byteLength + next.byteLength + prev.byteLength + tree.byteLength;
}

/**
 * Merges `ids[0..n)` in place by the rules; returns the resulting symbol count
 * and, if `out` is given, pushes the final ids. Lowest merge rank first, then
 * leftmost: a scan for short words, a tournament tree (O(n log n)) for long ones.
 */
export function mergeIds(merges: PairMerges, ids: Int32Array, n: number, out: number[] | null): number {
  if (n < 2) {
    if (out && n === 1) out.push(ids[0]!);
    return n;
  }
  if (n > LONG_PIECE_SYMBOLS) return mergeLongIds(merges, ids, n, out);
  return n <= SCAN_LIMIT ? scanMerge(merges, ids, n, out) : treeMerge(merges, ids, n, out);
}

/** A long word, chunk by chunk (long-piece.ts): symbols are the ids; edge tokens are ids. */
function mergeLongIds(merges: PairMerges, ids: Int32Array, n: number, out: number[] | null): number {
  return mergeLongPiece(
    {
      merge: (a, b, history, chunkOut, partStarts) =>
        treeMerge(merges, ids.slice(a, b), b - a, chunkOut, history, partStarts),
      cross: (_la, last, _ra, first) => {
        const slot = merges.find(last, first);
        return slot === -1 ? -1 : merges.rank(slot);
      },
      same: (a, b, c, d) => {
        if (b - a !== d - c) return false;
        for (let i = 0; i < b - a; i++) if (ids[a + i] !== ids[c + i]) return false;
        return true;
      },
    },
    n,
    out,
  );
}

function scanMerge(merges: PairMerges, ids: Int32Array, n: number, out: number[] | null): number {
  const slots = scanSlots;
  for (let i = 0; i < n - 1; i++) slots[i] = merges.find(ids[i]!, ids[i + 1]!);
  while (n > 1) {
    let at = -1;
    let min = 0;
    for (let i = 0; i < n - 1; i++) {
      const slot = slots[i]!;
      if (slot === -1) continue;
      const r = merges.rank(slot);
      if (at === -1 || r < min) {
        min = r;
        at = i;
      }
    }
    if (at === -1) break;
    ids[at] = merges.merged(slots[at]!);
    ids.copyWithin(at + 1, at + 2, n);
    slots.copyWithin(at, at + 1, n - 1);
    n--;
    if (at > 0) slots[at - 1] = merges.find(ids[at - 1]!, ids[at]!);
    if (at < n - 1) slots[at] = merges.find(ids[at]!, ids[at + 1]!);
  }
  if (out) for (let i = 0; i < n; i++) out.push(ids[i]!);
  return n;
}

/**
 * The tree merge of `ids[0..n)` (any length), recording the run in `history` if given: its edge
 * tokens are the ids of the first and last symbol. `partStarts`, if given, receives the index of
 * every final symbol's first original symbol.
 */
export function treeMerge(
  merges: PairMerges,
  ids: Int32Array,
  n: number,
  out: number[] | null,
  history: MergeHistory | null = null,
  partStarts: number[] | null = null,
): number {
  if (next.length < n) {
    next = new Int32Array(n * 2);
    prev = new Int32Array(n * 2);
  }
  for (let i = 0; i < n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  /** Rank of the pair starting at symbol `pos`, or -1. */
  const pairRank = (pos: number) => {
    const right = next[pos]!;
    if (right >= n) return -1;
    const slot = merges.findFiltered(ids[pos]!, ids[right]!);
    return slot === -1 ? -1 : merges.rank(slot);
  };
  tree.reset(n);
  for (let i = 0; i < n - 1; i++) tree.init(i, pairRank(i));
  tree.build();
  let count = n;
  history?.reset(ids[0]!, ids[n - 1]!);
  while (!tree.empty) {
    const rank = tree.topRank();
    const pos = tree.topPos();
    const right = next[pos]!;
    ids[pos] = merges.merged(merges.find(ids[pos]!, ids[right]!));
    tree.set(right, -1);
    next[pos] = next[right]!;
    if (next[pos]! < n) prev[next[pos]!] = pos;
    count--;
    history?.step(rank, ids[0]!, next[pos]! >= n ? ids[pos]! : history.last[history.steps]!);
    if (prev[pos]! >= 0) tree.set(prev[pos]!, pairRank(prev[pos]!));
    tree.set(pos, pairRank(pos));
  }
  if (out) for (let i = 0; i < n; i = next[i]!) out.push(ids[i]!);
  if (partStarts) for (let i = 0; i < n; i = next[i]!) partStarts.push(i);
  // Give back scratch a long word grew, so one huge word does not stay resident.
  tree.release();
  if (next.length > SCRATCH_KEPT) {
    next = new Int32Array(256);
    prev = new Int32Array(256);
  }
  return count;
}
