// Counts the pieces of one letter run in one pass: a piece grows while the piece so far
// plus the next letter may be a token or the start of one (the vocabulary's piece
// filter), else a new piece starts. A piece of ASCII letters always grows: filters hold
// only pieces with a non-ASCII letter (English words are priced by the character-class
// features), so an ASCII piece is hashed only when a non-ASCII letter joins it.
//
// Why a run that begins the text is counted differently: the estimate of `a + b` may
// not be below that of `b`. Walking left to right, extending a run only adds pieces,
// but a run of `b` that `a` extends to the left is walked from another starting point
// and may come out with fewer pieces. What it can lose is bounded: in `a + b` one piece
// crosses into `b` and ends at an offset q < PIECE_MAX_LENGTH of `b` (pieces are capped
// at that length), and the walk restarts at q. So a run at the start of the text counts
// the fewest pieces over every such restart: min over q of (q > 0) + pieces(run[q..]),
// and 1 when the whole run could be the tail of one crossing piece. That is up to
// PIECE_MAX_LENGTH walks side by side over one run per text; every other run is walked once.
import {
  hasPiece,
  PIECE_MAX_LENGTH,
  PIECE_SEED,
  type PieceFilter,
  pieceHash,
  pieceStep,
} from './piece-filter.js';

const SPACE = 0x20;

/** One walker, reused: the estimators are synchronous. */
export class PieceWalk {
  private filter: PieceFilter = { bits: new Uint32Array(1), mask: 0 };
  private atStart = false;
  private letters = 0;
  // The walk of a run that does not begin the text: its piece starts at text[start], is
  // `length` code units long and, unless it is all ASCII, hashes to `hash`.
  private start = 0;
  private length = 0;
  private ascii = false;
  private hash = 0;
  // The walks of a run that begins the text: one from its first letter, and one from each
  // of its next PIECE_MAX_LENGTH − 1 letters that counts one piece more (the piece that
  // crossed into the run); walks that start a piece at the same letter are merged.
  private readonly hashes = new Uint32Array(PIECE_MAX_LENGTH);
  private readonly lengths = new Uint8Array(PIECE_MAX_LENGTH);
  private readonly pieces = new Int32Array(PIECE_MAX_LENGTH);
  private walks = 0;
  private asciiWalks = 0; // bit w: walk w's piece is all ASCII

  /** Sets the filter for the next runs. */
  use(filter: PieceFilter): void {
    this.filter = filter;
  }

  /**
   * Starts a run at `text[i]`, a letter. A space before it joins the first piece when
   * " letter" may start a token. Returns the pieces to count now (a run that begins the
   * text counts them at its end).
   */
  begin(text: string, i: number): number {
    const u = text.charCodeAt(i);
    this.letters = 1;
    this.atStart = i === 0;
    if (this.atStart) {
      this.walks = 1;
      this.keep(0, pieceStep(PIECE_SEED, u), 1, 1, u < 128);
      return 0;
    }
    this.restart(i, u);
    if (text.charCodeAt(i - 1) === SPACE) {
      const spaced = pieceStep(pieceStep(PIECE_SEED, SPACE), u);
      if (this.ascii || hasPiece(this.filter, spaced)) {
        this.start = i - 1;
        this.length = 2;
        this.hash = spaced;
      }
    }
    return 1;
  }

  /** Adds the letter `text[i]` to the run. Returns the pieces to count now. */
  next(text: string, i: number): number {
    const u = text.charCodeAt(i);
    this.letters++;
    if (this.atStart) {
      this.nextAtStart(u);
      return 0;
    }
    if (this.length < PIECE_MAX_LENGTH) {
      if (this.ascii && u < 128) {
        this.length++;
        return 0;
      }
      const h = pieceStep(this.ascii ? pieceHash(text, this.start, i) : this.hash, u);
      if (hasPiece(this.filter, h)) {
        this.hash = h;
        this.length++;
        this.ascii = false;
        return 0;
      }
    }
    this.restart(i, u);
    return 1;
  }

  // A new piece of the run that does not begin the text, at letter `u` = text[i].
  private restart(i: number, u: number): void {
    this.start = i;
    this.length = 1;
    this.ascii = u < 128;
    this.hash = pieceStep(PIECE_SEED, u);
  }

  /** Ends the run. Returns the pieces to count now (a run that began the text counts here). */
  end(): number {
    if (!this.atStart) return 0;
    let fewest = this.letters < PIECE_MAX_LENGTH ? 1 : Number.MAX_SAFE_INTEGER;
    for (let w = 0; w < this.walks; w++) fewest = Math.min(fewest, this.pieces[w] as number);
    return fewest;
  }

  // Every walk of a run that begins the text takes letter `u`, and one more walk starts at
  // it. Walks that start a piece at the same letter go on identically from there, so only
  // the one with the fewest pieces is kept: few walks stay alive at once.
  private nextAtStart(u: number): void {
    const fresh = pieceStep(PIECE_SEED, u);
    const freshAscii = u < 128;
    let restarted = -1; // the walk kept among those starting a piece at `u`
    let live = 0;
    for (let w = 0; w < this.walks; w++) {
      const length = this.lengths[w] as number;
      let pieces = this.pieces[w] as number;
      let ascii = (this.asciiWalks & (1 << w)) !== 0;
      let h = pieceStep(this.hashes[w] as number, u);
      if (length < PIECE_MAX_LENGTH && ((freshAscii && ascii) || hasPiece(this.filter, h))) {
        this.keep(live++, h, length + 1, pieces, ascii && freshAscii);
        continue;
      }
      pieces++;
      h = fresh;
      ascii = freshAscii;
      if (restarted >= 0) {
        if (pieces < (this.pieces[restarted] as number)) this.pieces[restarted] = pieces;
        continue;
      }
      restarted = live;
      this.keep(live++, h, 1, pieces, ascii);
    }
    // The walk that starts at `u` after a piece crossed into the run (one piece so far, plus this one).
    if (this.letters <= PIECE_MAX_LENGTH) {
      if (restarted >= 0) {
        if (2 < (this.pieces[restarted] as number)) this.pieces[restarted] = 2;
      } else this.keep(live++, fresh, 1, 2, freshAscii);
    }
    this.walks = live;
  }

  private keep(w: number, h: number, length: number, pieces: number, ascii: boolean): void {
    this.hashes[w] = h;
    this.lengths[w] = length;
    this.pieces[w] = pieces;
    this.asciiWalks = ascii ? this.asciiWalks | (1 << w) : this.asciiWalks & ~(1 << w);
  }
}
