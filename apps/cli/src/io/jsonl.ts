/** One parsed JSONL line. */
export interface JsonlRecord {
  /** 1-based line number in the file. */
  line: number;
  value: unknown;
}

/** A line that could not be used, and why. */
export interface SkippedLine {
  /** 1-based line number (for JSON arrays: the 1-based element number). */
  line: number;
  reason: string;
}

/**
 * Parses JSON Lines, keeping each record's line number. Blank lines are
 * ignored; a malformed line is reported with its number rather than aborting
 * the whole file (a torn last line is the usual case for live session logs).
 */
export function parseJsonl(text: string): { records: JsonlRecord[]; skipped: SkippedLine[] } {
  const records: JsonlRecord[] = [];
  const skipped: SkippedLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw.length === 0) continue;
    try {
      records.push({ line: i + 1, value: JSON.parse(raw) });
    } catch (error) {
      skipped.push({ line: i + 1, reason: `malformed JSON (${(error as Error).message})` });
    }
  }
  return { records, skipped };
}
