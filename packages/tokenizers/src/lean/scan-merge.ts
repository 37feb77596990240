// The merge order every BPE rule here shares — lowest rank first, leftmost on ties —
// found by scanning the pair ranks of a short piece instead of keeping a tree: for the
// short pieces that are nearly all of real text this is faster and allocates nothing.
// (tiktoken's reference loop; byte-range-merge.ts is the tree version for long pieces.)

/** Rank of merging parts [s,m) and [m,e) of `buf`, or -1 when they do not merge. */
export type RankOf = (buf: Uint8Array, s: number, m: number, e: number) => number;

/**
 * Merges the parts of `buf` that start at `starts[0..parts)` (`starts[parts]` is the end) in
 * place: on return `starts[0..count]` are the merged parts. `ranks` is scratch of at least
 * `parts` entries. Returns the part count.
 */
export function scanMerge(
  buf: Uint8Array,
  starts: Int32Array,
  ranks: Int32Array,
  parts: number,
  rankOf: RankOf,
): number {
  for (let i = 0; i < parts - 1; i++) ranks[i] = rankOf(buf, starts[i]!, starts[i + 1]!, starts[i + 2]!);
  while (parts > 1) {
    let at = -1;
    let min = 0;
    for (let i = 0; i < parts - 1; i++) {
      const r = ranks[i]!;
      if (r !== -1 && (at === -1 || r < min)) {
        min = r;
        at = i;
      }
    }
    if (at === -1) break;
    // part `at` absorbs part `at + 1`
    starts.copyWithin(at + 1, at + 2, parts + 1);
    ranks.copyWithin(at, at + 1, parts - 1);
    parts--;
    if (at > 0) ranks[at - 1] = rankOf(buf, starts[at - 1]!, starts[at]!, starts[at + 1]!);
    if (at < parts - 1) ranks[at] = rankOf(buf, starts[at]!, starts[at + 1]!, starts[at + 2]!);
  }
  return parts;
}
