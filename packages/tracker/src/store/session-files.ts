import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonLines } from '../json-lines.js';
import { sessionRecordSchema, usageEventSchema } from '../schema.js';
import type { SessionRecord, UsageEvent, UsageWarning } from '../types.js';
import { sessionIdFromFileName } from './paths.js';

// Reading a store directory: which entries are session files, and what one session file holds.

/** A directory entry that holds a session: its file name and the session id it encodes. */
export interface SessionFile {
  name: string;
  sessionId: string;
}

/** One parsed session file. */
export interface ParsedFile {
  session: SessionRecord | undefined;
  events: UsageEvent[];
  badLines: number;
  warnings: UsageWarning[];
}

/**
 * The session files of `directory`: regular `*.jsonl` files whose names decode to a session id,
 * sorted by name. Anything else (a directory named `x.jsonl`, a foreign `100%.jsonl`) is skipped with
 * a `STRAY_FILE` warning.
 */
export function listSessionFiles(directory: string, warnings: UsageWarning[]): SessionFile[] {
  if (!existsSync(directory)) return [];
  const out: SessionFile[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const { name } = entry;
    if (!name.endsWith('.jsonl') || name.startsWith('.')) continue;
    const file = join(directory, name);
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        isFile = statSync(file).isFile();
      } catch {
        isFile = false;
      }
    }
    const sessionId = isFile ? sessionIdFromFileName(name) : undefined;
    if (sessionId === undefined) {
      warnings.push({
        code: 'STRAY_FILE',
        message: isFile
          ? `${name} is not a session file name (it does not decode to a session id); skipped`
          : `${name} is not a regular file; skipped`,
        file,
      });
      continue;
    }
    out.push({ name, sessionId });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Parses one session file, skipping (and reporting) a torn last line and corrupt lines. Every record
 * is written with its newline by one write, so a last line without one is torn even if it parses.
 * An editor may have saved the file with a UTF-8 BOM; the reader drops it.
 */
export function parseSessionFile(file: string): ParsedFile {
  const { lines, skipped, torn } = readJsonLines(readFileSync(file, 'utf8'), { lastLine: 'torn' });
  const out: ParsedFile = { session: undefined, events: [], badLines: 0, warnings: [] };
  const problems = [...skipped];
  for (const { line, value } of lines) {
    const problem = addRecord(value, out);
    if (problem) problems.push({ line, reason: problem });
  }
  problems.sort((a, b) => a.line - b.line);
  for (const { line, reason } of problems) {
    out.badLines++;
    out.warnings.push({ code: 'CORRUPT_LINE', message: reason, file, line });
  }
  if (torn) {
    out.badLines++;
    out.warnings.push({
      code: 'TORN_LINE',
      message: `torn last line (${torn.characters} bytes without a newline) skipped`,
      file,
      line: torn.line,
    });
  }
  return out;
}

/** Newest event time of a session, else its header's start; undefined when nothing is dated. */
export function lastActivity(parsed: ParsedFile): number | undefined {
  let last = parsed.session ? Date.parse(parsed.session.startedAt) : undefined;
  for (const e of parsed.events) {
    const t = Date.parse(e.timestamp);
    if (last === undefined || t > last) last = t;
  }
  return last;
}

/** Adds one parsed line to the file's records; returns why it is unusable, if it is. */
function addRecord(value: unknown, out: ParsedFile): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const { type, ...rest } = value as { type?: unknown };
  if (type === 'usage') {
    const parsed = usageEventSchema.safeParse(rest);
    if (!parsed.success) return `invalid usage event: ${parsed.error.issues[0]?.message ?? 'schema'}`;
    out.events.push(parsed.data as UsageEvent);
    return undefined;
  }
  if (type === 'session') {
    const parsed = sessionRecordSchema.safeParse(rest);
    if (!parsed.success) return `invalid session record: ${parsed.error.issues[0]?.message ?? 'schema'}`;
    out.session ??= parsed.data as SessionRecord;
    return undefined;
  }
  return `unknown record type ${String(type)}`;
}
