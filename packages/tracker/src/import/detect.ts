import { readFileSync, statSync } from 'node:fs';
import { CtxkitError } from '@ctxkit/core';
import { stripBom } from '../json-lines.js';
import { claudeCodeFromLines, isClaudeCodeLine } from './claude-code.js';
import { codexFromLines, isCodexLine } from './codex.js';
import { isGeminiCliSession, parseGeminiCliSession } from './gemini-cli.js';
import { readLogLines } from './parsed-log.js';
import type { AgentLogKind, ParsedAgentLog, ParseLogOptions } from './types.js';

/** The message of the error for a file no importer reads. */
export const UNSUPPORTED_LOG = 'not a Claude Code, Codex or Gemini CLI log';

/**
 * Reads an agent log of any supported kind — Claude Code session or subagent JSONL, Codex CLI rollout
 * JSONL, Gemini CLI session JSON — choosing the importer from the content, not the name.
 *
 * @param text - the whole file
 * @param options - `file` (named in errors), `strict`
 * @throws {CtxkitError} `UNSUPPORTED` with `details.reason` `'empty'` (nothing in the file) or
 *   `'unknown-kind'` (message: "<file>: not a Claude Code, Codex or Gemini CLI log"); with `strict`,
 *   `INVALID_ARGUMENT` for the first unusable line.
 * @example
 * ```ts
 * const log = parseAgentLog(readFileSync(file, 'utf8'), { file });
 * if (log.kind === 'codex') console.log(`${log.calls.length} Codex calls`);
 * ```
 */
export function parseAgentLog(text: string, options: ParseLogOptions = {}): ParsedAgentLog {
  const name = options.file ?? 'input';
  const body = stripBom(text).trim();
  if (body.length === 0) {
    throw new CtxkitError('UNSUPPORTED', `${name}: empty, nothing to import`, {
      file: options.file,
      reason: 'empty',
    });
  }
  if (body.startsWith('{') && !body.includes('\n{')) {
    // One JSON document (Gemini CLI writes its session pretty-printed, or on one line).
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch {
      doc = undefined;
    }
    if (isGeminiCliSession(doc)) return parseGeminiCliSession(doc, options);
    if (doc === undefined && /"sessionId"/.test(body) && /"messages"/.test(body)) {
      // Gemini CLI rewrites the whole file as the session grows: a copy taken mid-write is cut.
      throw new CtxkitError(
        'INVALID_ARGUMENT',
        `${name}: a Gemini CLI session that is not valid JSON (cut mid-write?)`,
        {
          file: options.file,
          reason: 'truncated',
        },
      );
    }
  }
  const { lines, skipped } = readLogLines(text, options);
  let claude = 0;
  let codex = 0;
  for (const { value } of lines) {
    if (isClaudeCodeLine(value)) claude++;
    else if (isCodexLine(value)) codex++;
  }
  const kind: AgentLogKind | undefined =
    claude === 0 && codex === 0 ? undefined : claude >= codex ? 'claude-code' : 'codex';
  if (!kind) {
    throw new CtxkitError('UNSUPPORTED', `${name}: ${UNSUPPORTED_LOG}`, {
      file: options.file,
      reason: 'unknown-kind',
      lines: lines.length,
      unreadable: skipped.length,
    });
  }
  return kind === 'claude-code'
    ? claudeCodeFromLines(lines, skipped, options)
    : codexFromLines(lines, skipped, options);
}

/**
 * Reads one agent log file with {@link parseAgentLog}.
 *
 * @param file - path of the log
 * @param options - `strict`
 * @throws {CtxkitError} `IO_ERROR` when the file cannot be read (missing, a directory), else as
 *   {@link parseAgentLog}.
 */
export function readAgentLog(file: string, options: Omit<ParseLogOptions, 'file'> = {}): ParsedAgentLog {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new Error('is a directory');
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new CtxkitError(
      'IO_ERROR',
      `${file}: cannot read (${(cause as Error).message})`,
      { file },
      { cause },
    );
  }
  return parseAgentLog(text, { ...options, file });
}
