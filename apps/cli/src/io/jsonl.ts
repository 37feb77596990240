// The CLI's former JSON Lines names, kept for its public API. The reader is `readJsonLines` of
// `@ctxkit/tracker`, the one the usage store and the agent-log importers use.
import { type JsonLine, readJsonLines, type SkippedLine } from '@ctxkit/tracker';

export type { SkippedLine };

/**
 * One parsed JSONL line.
 * @deprecated Use `JsonLine` from `@ctxkit/tracker` (the same shape).
 */
export type JsonlRecord = JsonLine;

/**
 * Parses JSON Lines, keeping each record's line number; a malformed line is reported with its number
 * rather than aborting the whole file.
 * @param text - the whole file.
 * @deprecated Use `readJsonLines` from `@ctxkit/tracker`: the same reader, which returns the records
 *   as `lines`.
 */
export function parseJsonl(text: string): { records: JsonLine[]; skipped: SkippedLine[] } {
  const { lines, skipped } = readJsonLines(text);
  return { records: lines, skipped };
}
