// One pass over a string's code points, counting the character-class features
// that the fitted estimators weigh. Features count *events* (a character, a run
// start, a character at position ≥ k of its run, an adjacent pair). Joining `a + b`
// removes an event of `b` only where `a` ends with a like one (a run that continues
// loses its start, and `a`'s run has one), so with non-negative coefficients the
// estimate of `a + b` is never below that of `a` or of `b`. Two events are replaced
// rather than removed — a lone surrogate completed into a pair, and a leading `_`
// that becomes a snake_case joint — and the fit bounds their prices so the same holds
// (scripts/lib/fit.ts finishCoefficients; fast-check covers both).

import { type CharCosts, charCostIndex, extraCost } from './char-costs.js';
import type { PieceFilter } from './piece-filter.js';
import { PieceWalk } from './piece-walk.js';

/** Names of the features, in the order of the coefficient vectors. */
export const FEATURE_NAMES = [
  'lower', // ASCII a-z
  'upper', // ASCII A-Z
  'words', // runs of Latin letters
  'cyrillicWords', // runs of Cyrillic letters (one word each; per script, as vocabularies cover scripts unevenly)
  'greekWords', // runs of Greek letters
  'arabicWords', // runs of Arabic-script letters
  'hebrewWords', // runs of Hebrew letters
  'indicWords', // runs of Indic letters
  'seAsianWords', // runs of Thai, Lao, Myanmar, Khmer letters (often whole phrases: no spaces)
  'hangulWords', // runs of Hangul
  'longWord', // letters at position ≥ 9 of their run (long identifiers split more)
  'hump', // lower→upper inside a run (camelCase)
  'latinExt', // accented Latin-1 letters (à é ñ ö ß: French, German, Spanish, Portuguese)
  'latinExtA', // Latin Extended-A/B letters (ł ř ş ğ ı ő: Polish, Czech, Turkish, Hungarian …)
  'latinVi', // Latin Extended Additional (ạ ế ữ: Vietnamese, which most vocabularies split per mark)
  'latinSwitch', // ASCII letter ↔ accented letter adjacency (breaks merges)
  'accentLineWords', // Latin words of a line that holds an accented letter (foreign text: even its plain words split more)
  'accentLineLong', // letters at position ≥ 5 of those words (compounds of German, Polish … split more than English words)
  'extWords', // Latin runs holding an accented letter (non-English words split more)
  'extWordLetters', // letters of those runs
  'snakeJoints', // '_' after a letter or digit (snake_case: merges with the word after it)
  'snakeWords', // Latin runs right after such a '_' (instead of words)
  'extAWords', // Latin runs holding a Latin Extended-A/B letter (Polish, Czech, Turkish … words)
  'viWords', // Latin runs holding a Vietnamese letter (ạ ế ơ ư đ: syllables, often one token each)
  'cyrillic', // Cyrillic letters
  'cyrillicExt', // Cyrillic letters outside Russian's alphabet (і ї є ґ ў ј љ …: Ukrainian, Serbian, …)
  'greek', // Greek letters
  'arabic', // Arabic script (and presentation forms), Syriac, Thaana
  'hebrew', // Hebrew
  'indic', // Devanagari and the other Indic scripts
  'seAsian', // Thai, Lao, Myanmar, Khmer
  'han', // CJK ideographs (BMP and astral)
  'rareHan', // ideographs outside the ~500 most frequent (split into byte tokens more often)
  'kana', // Hiragana, Katakana
  'hangul', // Hangul syllables and jamo
  'cjkPunct', // CJK punctuation, full-width forms
  'digits', // ASCII digits
  'digitRuns', // runs of digits
  'alnumSwitch', // letter↔digit adjacency (hex, base64, ids)
  'spaces', // every space
  'wsRun2', // space/tab at position 2 of its run (a run of ≥ 2)
  'wsLong', // space/tab at position ≥ 5 of its run
  'tabs', // tabs
  'newlines', // \n and \r
  'newlineRuns', // runs of newlines
  'punct', // ASCII punctuation and symbols
  'punctRuns', // runs of ASCII punctuation
  'symbols', // other BMP symbols and punctuation (quotes, dashes, arrows, box drawing)
  'emoji', // pictographs, dingbats, flags, skin tones
  'spacedEmoji', // an emoji right after a space (Qwen merges the space with the emoji's first byte: 🤔 is 1 token, " 🤔" 3)
  'marks', // combining marks, ZWJ, variation selectors, tags
  'other', // anything else: other scripts, controls, private use
  'lone', // lone surrogates (counted, never thrown on)
  // Extra tokens of single characters in the vocabulary (char-costs.ts), per script:
  // the same table means a different cost in running text for ideographs and for letters.
  'latinExtra',
  'cyrillicExtra',
  'greekExtra',
  'arabicExtra',
  'hebrewExtra',
  'indicExtra',
  'seAsianExtra',
  'hangulExtra',
  'hanExtra',
  'kanaExtra',
  'emojiExtra',
  'symbolExtra', // symbols, CJK punctuation, marks and other scripts
  // Pieces of the letter runs of each script: a new piece wherever the piece so far stops
  // being a token of the vocabulary (piece-filter.ts); 0 without a filter.
  'latinPieces', // (Latin runs holding a non-ASCII letter only, the first piece not counted: `words` has it)
  'cyrillicPieces',
  'greekPieces',
  'arabicPieces',
  'hebrewPieces',
  'indicPieces',
  'seAsianPieces',
  'hangulPieces',
] as const;

/** Number of features. */
export const FEATURE_COUNT = FEATURE_NAMES.length;

// Class codes of a code point.
const C_LOWER = 0;
const C_UPPER = 1;
const C_DIGIT = 2;
const C_SPACE = 3;
const C_TAB = 4;
const C_NEWLINE = 5;
const C_PUNCT = 6;
const C_LATIN = 7;
const C_CYR = 8;
const C_GREEK = 9;
const C_ARABIC = 10;
const C_HEBREW = 11;
const C_INDIC = 12;
const C_SEA = 13;
const C_HANGUL = 14;
const C_HAN = 15;
const C_KANA = 16;
const C_CJKP = 17;
const C_SYMBOL = 18;
const C_EMOJI = 19;
const C_MARK = 20;
const C_OTHER = 21;
const C_LONE = 22;
const CLASS_COUNT = 23;

const f = (name: (typeof FEATURE_NAMES)[number]): number => FEATURE_NAMES.indexOf(name);
const F_LOWER = f('lower');
const F_UPPER = f('upper');
const F_WORDS = f('words');
const F_LONGWORD = f('longWord');
const F_LATINEXTA = f('latinExtA');
const F_LATINVI = f('latinVi');
const F_ACCENTLINEWORDS = f('accentLineWords');
const F_ACCENTLINELONG = f('accentLineLong');
const ACCENT_LONG_AT = 5;
const F_HUMP = f('hump');
const F_LATINSWITCH = f('latinSwitch');
const F_EXTWORDS = f('extWords');
const F_EXTLETTERS = f('extWordLetters');
const F_EXTAWORDS = f('extAWords');
const F_SNAKEJOINTS = f('snakeJoints');
const F_SNAKEWORDS = f('snakeWords');
const F_VIWORDS = f('viWords');
const F_RAREHAN = f('rareHan');
const F_CYRILLICEXT = f('cyrillicExt');

// The most frequent Chinese characters (general frequency lists); one token in every
// large vocabulary, while rarer ideographs often cost two or three.
const COMMON_HAN = new Uint8Array(0x10000);
for (const ch of '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坐集编宝谈府拉黑且随格尽剑讲布杀微怕母调局根曾准团段终乐切级克精哪官示冷域')
  COMMON_HAN[ch.charCodeAt(0)] = 1;
const F_DIGITS = f('digits');
const F_DIGITRUNS = f('digitRuns');
const F_ALNUM = f('alnumSwitch');
const F_SPACES = f('spaces');
const F_WSRUN2 = f('wsRun2');
const F_WSLONG = f('wsLong');
const F_TABS = f('tabs');
const F_NEWLINES = f('newlines');
const F_NLRUNS = f('newlineRuns');
const F_PUNCT = f('punct');
const F_SPACEDEMOJI = f('spacedEmoji');
const F_PUNCTRUNS = f('punctRuns');

// Per-class feature for "one more character of this class"; the ASCII classes are
// handled by their own branches.
const CLASS_FEATURE = new Int8Array(CLASS_COUNT).fill(-1);
CLASS_FEATURE[C_LATIN] = f('latinExt');
CLASS_FEATURE[C_CYR] = f('cyrillic');
CLASS_FEATURE[C_GREEK] = f('greek');
CLASS_FEATURE[C_ARABIC] = f('arabic');
CLASS_FEATURE[C_HEBREW] = f('hebrew');
CLASS_FEATURE[C_INDIC] = f('indic');
CLASS_FEATURE[C_SEA] = f('seAsian');
CLASS_FEATURE[C_HANGUL] = f('hangul');
CLASS_FEATURE[C_HAN] = f('han');
CLASS_FEATURE[C_KANA] = f('kana');
CLASS_FEATURE[C_CJKP] = f('cjkPunct');
CLASS_FEATURE[C_SYMBOL] = f('symbols');
CLASS_FEATURE[C_EMOJI] = f('emoji');
CLASS_FEATURE[C_MARK] = f('marks');
CLASS_FEATURE[C_OTHER] = f('other');
CLASS_FEATURE[C_LONE] = f('lone');

// Per-class feature for the extra cost of a character in the vocabulary's table.
const EXTRA_FEATURE = new Int8Array(CLASS_COUNT).fill(-1);
for (const [c, name] of [
  [C_LATIN, 'latinExtra'],
  [C_CYR, 'cyrillicExtra'],
  [C_GREEK, 'greekExtra'],
  [C_ARABIC, 'arabicExtra'],
  [C_HEBREW, 'hebrewExtra'],
  [C_INDIC, 'indicExtra'],
  [C_SEA, 'seAsianExtra'],
  [C_HANGUL, 'hangulExtra'],
  [C_HAN, 'hanExtra'],
  [C_KANA, 'kanaExtra'],
  [C_EMOJI, 'emojiExtra'],
  [C_CJKP, 'symbolExtra'],
  [C_SYMBOL, 'symbolExtra'],
  [C_MARK, 'symbolExtra'],
  [C_OTHER, 'symbolExtra'],
] as const)
  EXTRA_FEATURE[c] = f(name);

// Script of a class for word runs: 0 = not a letter, 1 = Latin, else the class itself.
const SCRIPT = new Int8Array(CLASS_COUNT);
SCRIPT[C_LOWER] = 1;
SCRIPT[C_UPPER] = 1;
SCRIPT[C_LATIN] = 1;
// The word-run and pieces features of each script (Latin's word run is `words`).
const WORD_FEATURE = new Int8Array(CLASS_COUNT).fill(-1);
const PIECE_FEATURE = new Int8Array(CLASS_COUNT).fill(-1);
WORD_FEATURE[1] = F_WORDS;
PIECE_FEATURE[1] = f('latinPieces');
for (const [c, name] of [
  [C_CYR, 'cyrillic'],
  [C_GREEK, 'greek'],
  [C_ARABIC, 'arabic'],
  [C_HEBREW, 'hebrew'],
  [C_INDIC, 'indic'],
  [C_SEA, 'seAsian'],
  [C_HANGUL, 'hangul'],
] as const) {
  SCRIPT[c] = c;
  WORD_FEATURE[c] = f(`${name}Words`);
  PIECE_FEATURE[c] = f(`${name}Pieces`);
}

// ASCII classes, precomputed.
const ASCII_CLASS = new Uint8Array(128);
for (let i = 0; i < 128; i++) {
  let c = C_OTHER;
  if (i >= 97 && i <= 122) c = C_LOWER;
  else if (i >= 65 && i <= 90) c = C_UPPER;
  else if (i >= 48 && i <= 57) c = C_DIGIT;
  else if (i === 32) c = C_SPACE;
  else if (i === 9) c = C_TAB;
  else if (i === 10 || i === 13) c = C_NEWLINE;
  else if (i > 32 && i < 127) c = C_PUNCT;
  ASCII_CLASS[i] = c;
}

/** The class of a non-ASCII code point (Unicode block ranges). */
function classify(cp: number): number {
  if (cp < 0x300) {
    if (cp >= 0xc0 && cp !== 0xd7 && cp !== 0xf7) return C_LATIN;
    return C_SYMBOL; // Latin-1 punctuation, NBSP, spacing modifiers
  }
  if (cp < 0x370) return C_MARK;
  if (cp < 0x400) return C_GREEK;
  if (cp < 0x530) return C_CYR;
  if (cp < 0x590) return C_OTHER; // Armenian
  if (cp < 0x600) return C_HEBREW;
  if (cp === 0x60c || cp === 0x61b || cp === 0x61f || (cp >= 0x66a && cp <= 0x66d) || cp === 0x6d4)
    return C_SYMBOL; // Arabic comma, semicolon, question mark, percent/separators, full stop
  if (cp < 0x900) return C_ARABIC; // Arabic, Syriac, Thaana, NKo …
  if (cp < 0xe00) return C_INDIC;
  if (cp < 0xf00) return C_SEA; // Thai, Lao
  if (cp < 0x1000) return C_OTHER; // Tibetan
  if (cp < 0x10a0) return C_SEA; // Myanmar
  if (cp < 0x1100) return C_OTHER;
  if (cp < 0x1200) return C_HANGUL;
  if (cp >= 0x1780 && cp < 0x1800) return C_SEA; // Khmer
  if (cp >= 0x1e00 && cp < 0x1f00) return C_LATIN;
  if (cp >= 0x1f00 && cp < 0x2000) return C_GREEK; // Greek extended
  if (cp < 0x2000) return C_OTHER;
  if (cp === 0x200d || (cp >= 0x20d0 && cp < 0x2100)) return C_MARK;
  if (cp < 0x2300) return C_SYMBOL; // punctuation, currency, letterlike, arrows, math
  if (cp < 0x2400) return C_EMOJI; // misc technical (⌚ ⏰ …)
  if (cp < 0x2600) return C_SYMBOL; // box drawing, blocks, geometric shapes
  if (cp < 0x2800) return C_EMOJI; // misc symbols, dingbats
  if (cp < 0x2b00) return C_SYMBOL;
  if (cp < 0x2c00) return C_EMOJI;
  if (cp < 0x2e80) return C_OTHER;
  if (cp < 0x3000) return C_HAN; // CJK radicals
  if (cp < 0x3040) return C_CJKP;
  if (cp < 0x3100) return C_KANA;
  if (cp >= 0x3130 && cp < 0x3190) return C_HANGUL;
  if (cp >= 0x31f0 && cp < 0x3200) return C_KANA;
  if (cp < 0x3400) return C_CJKP; // bopomofo, enclosed CJK, compatibility
  if (cp < 0xa000) return C_HAN;
  if (cp >= 0xac00 && cp < 0xd7b0) return C_HANGUL;
  if (cp >= 0xe000 && cp < 0xf900) return C_OTHER; // private use
  if (cp >= 0xf900 && cp < 0xfb00) return C_HAN;
  if (cp >= 0xfb1d && cp < 0xfb50) return C_HEBREW;
  if (cp >= 0xfb50 && cp < 0xfe00) return C_ARABIC;
  if (cp >= 0xfe00 && cp < 0xfe10) return C_MARK; // variation selectors
  if (cp >= 0xfe70 && cp < 0xfeff) return C_ARABIC;
  if (cp >= 0xff66 && cp < 0xffa0) return C_KANA;
  if (cp >= 0xff00 && cp < 0xfff0) return C_CJKP;
  if (cp < 0x10000) return C_OTHER;
  if (cp >= 0x1f000 && cp < 0x1fb00) return C_EMOJI;
  if (cp >= 0x20000 && cp < 0x40000) return C_HAN;
  if (cp >= 0xe0000 && cp < 0xe1000) return C_MARK; // tags, variation selectors supplement
  return C_OTHER;
}

/**
 * The script of a letter run a BMP code point belongs to: 0 when it is not a letter, 1 for
 * Latin (ASCII and accented), else a class code (Cyrillic, Greek, Arabic, Hebrew, Indic,
 * Thai/Lao/Myanmar/Khmer, Hangul). Piece filters hold pieces of one such script.
 */
export function letterScript(cp: number): number {
  return SCRIPT[cp < 128 ? (ASCII_CLASS[cp] as number) : classify(cp)] as number;
}

const walk = new PieceWalk();

// Typed-array slots always exist; the cast only satisfies noUncheckedIndexedAccess.
function bump(out: Float64Array, i: number, by = 1): void {
  out[i] = (out[i] as number) + by;
}

/**
 * Counts the features of `text` in one pass, into `out` (zeroed first). `costs` is the
 * vocabulary's character cost table (the `…Extra` features stay 0 without one), `pieces`
 * its piece filter (the `…Pieces` features stay 0 without one).
 * Lone surrogates count as `lone`; nothing throws.
 */
export function extractFeatures(
  text: string,
  out: Float64Array = new Float64Array(FEATURE_COUNT),
  costs?: CharCosts,
  pieces?: PieceFilter,
): Float64Array {
  out.fill(0);
  const walking = pieces !== undefined;
  if (walking) walk.use(pieces);
  const n = text.length;
  let prev = -1; // class of the previous code point
  let script = 0; // script of the current letter run
  let run = 0; // length of the current letter run
  let runStart = 0; // index of the current letter run's first letter
  let runWalked = false; // the current run is being walked for pieces (with a piece filter)
  let runPieces = 0; // its pieces so far
  let wsRun = 0; // length of the current space/tab run
  let extRun = false; // the current Latin run holds an accented letter
  let extARun = false; // … a Latin Extended-A/B letter
  let viRun = false; // … a Vietnamese letter
  let joint = false; // the previous character is a '_' after a letter or digit
  let lineWords = 0; // Latin word runs started in the current line
  let lineLong = 0; // letters at position ≥ ACCENT_LONG_AT of the Latin runs of the current line
  let lineAccent = false; // the current line holds an accented Latin letter
  for (let i = 0; i < n; i++) {
    const u = text.charCodeAt(i);
    let c: number;
    let cp = u;
    if (u < 128) {
      c = ASCII_CLASS[u] as number;
    } else if (u >= 0xd800 && u <= 0xdfff) {
      const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (u <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        cp = ((u - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
        c = classify(cp);
        i++;
      } else {
        c = C_LONE;
      }
    } else {
      c = classify(u);
    }
    if (costs !== undefined && u >= 128 && c !== C_LONE) {
      const index = charCostIndex(cp);
      if (index >= 0) {
        const extra = extraCost(costs, index);
        if (extra > 0) bump(out, EXTRA_FEATURE[c] as number, extra);
      }
    }

    const s = SCRIPT[c] as number;
    if (walking && script !== 0 && s !== script && runWalked)
      bump(out, PIECE_FEATURE[script] as number, runPieces + walk.end());
    if (s !== 0) {
      if (s !== script) {
        runStart = i;
        runWalked = false;
      }
      if (walking) {
        if (runWalked) runPieces += walk.next(text, i);
        else if (s !== 1 || c === C_LATIN) {
          // A Latin run is walked from its first non-ASCII letter on, replaying the
          // letters before it: all-ASCII words have no pieces to count. Its first piece is
          // not counted (`words` has it): every walk counts at least one.
          runWalked = true;
          runPieces = walk.begin(text, runStart) - (s === 1 ? 1 : 0);
          for (let j = runStart + 1; j <= i; j++) runPieces += walk.next(text, j);
        }
      }
      if (s === script) {
        run++;
        if (run >= 9) bump(out, F_LONGWORD);
        if (s === 1 && run >= ACCENT_LONG_AT) lineLong++;
      } else {
        run = 1;
        script = s;
        extRun = false;
        extARun = false;
        viRun = false;
        bump(out, s === 1 && joint ? F_SNAKEWORDS : (WORD_FEATURE[s] as number));
        if (s === 1) lineWords++;
      }
      if (c === C_LATIN) lineAccent = true;
      if (c === C_LATIN && u >= 0x100) {
        // ơ ư (U+01A0/01A1/01AF/01B0) and đ (U+0110/0111) are Vietnamese too.
        const vi =
          u >= 0x1e00 ||
          u === 0x1a0 ||
          u === 0x1a1 ||
          u === 0x1af ||
          u === 0x1b0 ||
          u === 0x110 ||
          u === 0x111;
        if (vi && !viRun) {
          viRun = true;
          bump(out, F_VIWORDS);
        } else if (!vi && !extARun) {
          extARun = true;
          bump(out, F_EXTAWORDS);
        }
      }
      if (s === 1) {
        if (extRun) bump(out, F_EXTLETTERS);
        else if (c === C_LATIN) {
          // First accented letter: the run so far now counts as a foreign word.
          extRun = true;
          bump(out, F_EXTWORDS);
          bump(out, F_EXTLETTERS, run);
        }
      }
      if (prev === C_DIGIT) bump(out, F_ALNUM);
    } else {
      script = 0;
      run = 0;
      extRun = false;
      extARun = false;
      viRun = false;
    }
    if (c === C_SPACE || c === C_TAB) {
      wsRun++;
      if (wsRun === 2) bump(out, F_WSRUN2);
      else if (wsRun >= 5) bump(out, F_WSLONG);
    } else {
      wsRun = 0;
    }

    switch (c) {
      case C_LOWER:
        bump(out, F_LOWER);
        if (prev === C_LATIN) bump(out, F_LATINSWITCH);
        break;
      case C_UPPER:
        bump(out, F_UPPER);
        if (prev === C_LOWER) bump(out, F_HUMP);
        if (prev === C_LATIN) bump(out, F_LATINSWITCH);
        break;
      case C_LATIN:
        // Latin is all BMP, so the code unit is the code point.
        bump(out, u < 0x100 ? (CLASS_FEATURE[c] as number) : u < 0x1e00 ? F_LATINEXTA : F_LATINVI);
        if (prev === C_LOWER || prev === C_UPPER) bump(out, F_LATINSWITCH);
        break;
      case C_CYR:
        bump(out, CLASS_FEATURE[c] as number);
        // Russian's 33 letters are U+0410–U+044F plus Ё/ё.
        if ((u < 0x410 || u > 0x44f) && u !== 0x401 && u !== 0x451) bump(out, F_CYRILLICEXT);
        break;
      case C_HAN:
        bump(out, CLASS_FEATURE[c] as number);
        // Astral ideographs (u is a high surrogate here) are never common.
        if (COMMON_HAN[u] !== 1) bump(out, F_RAREHAN);
        break;
      case C_DIGIT:
        bump(out, F_DIGITS);
        if (prev !== C_DIGIT) bump(out, F_DIGITRUNS);
        if (prev >= 0 && SCRIPT[prev] !== 0) bump(out, F_ALNUM);
        break;
      case C_SPACE:
        bump(out, F_SPACES);
        break;
      case C_TAB:
        bump(out, F_TABS);
        break;
      case C_NEWLINE:
        if (lineAccent) {
          bump(out, F_ACCENTLINEWORDS, lineWords);
          bump(out, F_ACCENTLINELONG, lineLong);
        }
        lineWords = 0;
        lineLong = 0;
        lineAccent = false;
        bump(out, F_NEWLINES);
        if (prev !== C_NEWLINE) bump(out, F_NLRUNS);
        break;
      case C_EMOJI:
        bump(out, CLASS_FEATURE[c] as number);
        if (prev === C_SPACE) bump(out, F_SPACEDEMOJI);
        break;
      case C_PUNCT:
        if (u === 0x5f && (prev === C_DIGIT || (prev >= 0 && SCRIPT[prev] !== 0))) {
          bump(out, F_SNAKEJOINTS);
          prev = C_PUNCT;
          joint = true;
          continue;
        }
        bump(out, F_PUNCT);
        if (prev !== C_PUNCT) bump(out, F_PUNCTRUNS);
        break;
      default:
        bump(out, CLASS_FEATURE[c] as number);
    }
    prev = c;
    joint = false;
  }
  if (walking && script !== 0 && runWalked)
    bump(out, PIECE_FEATURE[script] as number, runPieces + walk.end());
  if (lineAccent) {
    bump(out, F_ACCENTLINEWORDS, lineWords);
    bump(out, F_ACCENTLINELONG, lineLong);
  }
  return out;
}

/** Dot product of features and coefficients (both of length FEATURE_COUNT). */
export function weigh(features: Float64Array, coefficients: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < FEATURE_COUNT; i++) sum += (features[i] as number) * (coefficients[i] as number);
  return sum;
}
