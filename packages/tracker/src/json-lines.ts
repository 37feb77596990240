// The one JSON Lines reader of the product code: the usage store's session files, the agent-log
// importers and the CLI's conversation input all split lines here, so a torn, cut or huge line gets
// the same treatment everywhere.

/** One JSON Lines record and its 1-based line number. */
export interface JsonLine {
  /** 1-based line number in the text. */
  line: number;
  /** The parsed JSON value (any JSON: an object, an array, a string…). */
  value: unknown;
}

/** A line that could not be used, and why. */
export interface SkippedLine {
  /** 1-based line number. */
  line: number;
  reason: string;
}

/** Options of {@link readJsonLines}. */
export interface ReadJsonLinesOptions {
  /**
   * What a last line without its newline is. `'parse'` reads it like any other line: a log written by
   * another program may end without one, and a line cut mid-way does not parse, so it is skipped.
   * `'torn'` skips it unread and returns it as {@link JsonLines.torn}: in a file whose every record
   * is written together with its newline (the usage store's), a line without one is a write cut
   * short, even when what was written happens to parse.
   * @default 'parse'
   */
  lastLine?: 'parse' | 'torn';
}

/** What {@link readJsonLines} found. */
export interface JsonLines {
  /** The records, in file order. */
  lines: JsonLine[];
  /** Lines that are not JSON (blank lines are not counted), in file order. */
  skipped: SkippedLine[];
  /** With `lastLine: 'torn'`: the last line, which had no newline; skipped unread. */
  torn?: { line: number; characters: number };
}

/** Longest part of the JSON parser's message a reason quotes (the parser quotes the line). */
const MAX_PARSER_MESSAGE = 120;

/**
 * Splits JSON Lines text into records, keeping each one's line number. A leading byte-order mark is
 * dropped, blank lines are ignored, and a line that is not JSON (typically the last one, cut while
 * it was being written) is reported in `skipped` and the rest is read: one bad line never costs the
 * file. A reason gives the line's length and a bounded part of the parser's message, never the line
 * itself, so a 10 MB line makes a short reason. Callers that must refuse a bad line (a `--strict`
 * mode) throw their own typed error for `skipped[0]`.
 *
 * @param text - the whole file.
 * @param options - what an unterminated last line is; see {@link ReadJsonLinesOptions}.
 * @example
 * ```ts
 * const { lines, skipped } = readJsonLines(readFileSync('session.jsonl', 'utf8'));
 * for (const { line, value } of lines) console.log(line, value);
 * if (skipped.length > 0) console.warn(`line ${skipped[0].line}: ${skipped[0].reason}`);
 * ```
 */
export function readJsonLines(text: string, options: ReadJsonLinesOptions = {}): JsonLines {
  const out: JsonLines = { lines: [], skipped: [] };
  const body = stripBom(text);
  let start = 0;
  let line = 0;
  while (start <= body.length) {
    let end = body.indexOf('\n', start);
    line++;
    if (end === -1) {
      end = body.length;
      if (options.lastLine === 'torn') {
        if (end > start) out.torn = { line, characters: end - start };
        break;
      }
    }
    const raw = body.slice(start, end).trim();
    start = end + 1;
    if (raw.length === 0) continue;
    try {
      out.lines.push({ line, value: JSON.parse(raw) });
    } catch (error) {
      const message = String((error as Error).message).slice(0, MAX_PARSER_MESSAGE);
      out.skipped.push({ line, reason: `malformed JSON (${raw.length} characters): ${message}` });
    }
  }
  return out;
}

/** Drops a leading byte-order mark (some editors and Windows tools write one). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
