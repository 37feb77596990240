// Piece → token count, keyed by the piece's UTF-8 bytes and held in typed arrays.
// A Map<string, number> did the same job, but its keys were slices of the text
// being counted, and a V8 sliced string keeps its whole parent alive: a full
// cache pinned megabytes of old messages, and its surviving strings made every
// young-generation GC slow (4–5 ms pauses, the p99 of a 2 KB count). Here the
// memory is bounded by construction and the GC never sees an entry.
import { hashBytes } from './packed-vocab.js';

/** Pieces longer than this many UTF-8 bytes are not cached: they rarely repeat. */
export const PIECE_CACHE_MAX_BYTES = 255;
/** A tokenizer that counts one short text should not pay for a full cache. */
const START_ENTRIES = 1024;
/** The cache grows by doubling up to this many entries, then starts over when full. */
export const PIECE_CACHE_MAX_ENTRIES = 32_768;
/** Arena bytes per entry: real pieces average 5–8 bytes. */
const ARENA_PER_ENTRY = 16;

/** A bounded open-addressing map from a byte string (≤ 255 bytes) to a count (≤ 255). */
export class PieceCache {
  /** Slot → entry index + 1; 0 is empty. Twice the entry capacity keeps probes short. */
  private table = new Int32Array(START_ENTRIES * 2);
  private hashes = new Int32Array(START_ENTRIES);
  private offsets = new Int32Array(START_ENTRIES);
  private lengths = new Uint8Array(START_ENTRIES);
  private counts = new Uint8Array(START_ENTRIES);
  private arena = new Uint8Array(START_ENTRIES * ARENA_PER_ENTRY);
  private used = 0;
  /** Entries held. */
  size = 0;

  /** Bytes the cache's arrays hold now (1.11 MB at full size). */
  get byteLength(): number {
    return (
      this.table.byteLength +
      this.hashes.byteLength +
      this.offsets.byteLength +
      this.lengths.byteLength +
      this.counts.byteLength +
      this.arena.byteLength
    );
  }

  /** The count stored for `buf[0..len)` (whose {@link hashBytes} is `hash`), or -1. */
  get(buf: Uint8Array, len: number, hash: number): number {
    const { table, hashes, offsets, lengths, arena } = this;
    const mask = table.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const e = table[slot]! - 1;
      if (e < 0) return -1;
      if (hashes[e] !== (hash | 0) || lengths[e] !== len) continue;
      const o = offsets[e]!;
      let i = 0;
      while (i < len && arena[o + i] === buf[i]) i++;
      if (i === len) return this.counts[e]!;
    }
  }

  /** Stores a count for `buf[0..len)` (not already present); ignores pieces over the byte limit. */
  set(buf: Uint8Array, len: number, hash: number, count: number): void {
    if (len > PIECE_CACHE_MAX_BYTES || count > 255) return;
    if (this.size === this.hashes.length || this.used + len > this.arena.length) {
      if (this.hashes.length < PIECE_CACHE_MAX_ENTRIES) this.grow();
      else this.clear();
    }
    const e = this.size++;
    this.hashes[e] = hash | 0;
    this.offsets[e] = this.used;
    this.lengths[e] = len;
    this.counts[e] = count;
    this.arena.set(buf.subarray(0, len), this.used);
    this.used += len;
    this.place(e, hash);
  }

  /** Forgets every entry (keeps the arrays). */
  clear(): void {
    this.table.fill(0);
    this.size = 0;
    this.used = 0;
  }

  private place(e: number, hash: number): void {
    const { table } = this;
    const mask = table.length - 1;
    let slot = hash & mask;
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = e + 1;
  }

  /** Doubles every array and re-places the entries. */
  private grow(): void {
    const entries = this.hashes.length * 2;
    const widen = <T extends Int32Array | Uint8Array>(old: T, make: (n: number) => T, n: number): T => {
      const bigger = make(n);
      bigger.set(old);
      return bigger;
    };
    this.hashes = widen(this.hashes, (n) => new Int32Array(n), entries);
    this.offsets = widen(this.offsets, (n) => new Int32Array(n), entries);
    this.lengths = widen(this.lengths, (n) => new Uint8Array(n), entries);
    this.counts = widen(this.counts, (n) => new Uint8Array(n), entries);
    this.arena = widen(this.arena, (n) => new Uint8Array(n), entries * ARENA_PER_ENTRY);
    this.table = new Int32Array(entries * 2);
    for (let e = 0; e < this.size; e++) this.place(e, this.hashes[e]! >>> 0);
  }
}
