import { CtxkitError } from '@ctxkit/core';
import type { SkippedLogLine } from './types.js';

/** One JSON Lines record and its 1-based line number. */
export interface LogLine {
  line: number;
  value: unknown;
}

/**
 * Splits an agent's JSON Lines log into records. A byte-order mark is dropped, blank lines ignored; a line
 * that is not JSON (typically the last one, cut while the agent was writing it) is reported in `skipped`
 * and the rest is read — or, with `strict`, is a `CtxkitError('INVALID_ARGUMENT')` naming the line.
 */
export function readLogLines(
  text: string,
  options: { file?: string; strict?: boolean } = {},
): { lines: LogLine[]; skipped: SkippedLogLine[] } {
  const lines: LogLine[] = [];
  const skipped: SkippedLogLine[] = [];
  const body = stripBom(text);
  let start = 0;
  let line = 0;
  while (start <= body.length) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    line++;
    const raw = body.slice(start, end).trim();
    start = end + 1;
    if (raw.length === 0) continue;
    try {
      lines.push({ line, value: JSON.parse(raw) });
    } catch {
      const reason = `not JSON (${raw.length} characters; a line cut mid-way?)`;
      if (options.strict) throw lineError(options.file, line, reason);
      skipped.push({ line, reason });
    }
  }
  return { lines, skipped };
}

/** The typed error of a strict import for one unusable line. */
export function lineError(file: string | undefined, line: number, reason: string): CtxkitError {
  return new CtxkitError('INVALID_ARGUMENT', `${file ?? 'log'}:${line}: ${reason}`, { file, line });
}

/** Drops a leading byte-order mark (some editors and Windows tools write one). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
