import { existsSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { CtxkitError, checkOptionKeys } from '@ctxkit/core';
import { atomicWrite } from './file-writes.js';
import { lastActivity, listSessionFiles, parseSessionFile } from './session-files.js';
import type { RetentionOptions, RetentionPolicy, RetentionResult } from './types.js';

const RETENTION_KEYS = { maxSessions: true, maxAgeDays: true } satisfies Record<keyof RetentionPolicy, true>;
const RETENTION_OPTION_KEYS = { dryRun: true } satisfies Record<keyof RetentionOptions, true>;

/**
 * Refuses a retention policy with an unknown key (`maxAge`, `max_sessions`…) or a value that would
 * silently mean something else (a negative, fractional or infinite count, a zero or negative age).
 */
export function checkRetentionPolicy(policy: RetentionPolicy | undefined): void {
  checkOptionKeys(policy, RETENTION_KEYS, 'retention policy');
  if (policy === undefined) return;
  const { maxSessions, maxAgeDays } = policy;
  if (maxSessions !== undefined && !(Number.isSafeInteger(maxSessions) && maxSessions >= 0)) {
    throw new CtxkitError('INVALID_ARGUMENT', 'retention maxSessions must be a non-negative integer', {
      maxSessions: String(maxSessions),
    });
  }
  if (
    maxAgeDays !== undefined &&
    !(typeof maxAgeDays === 'number' && Number.isFinite(maxAgeDays) && maxAgeDays > 0)
  ) {
    throw new CtxkitError('INVALID_ARGUMENT', 'retention maxAgeDays must be a positive number of days', {
      maxAgeDays: String(maxAgeDays),
    });
  }
}

/** Refuses unknown keys of {@link RetentionOptions}. */
export function checkRetentionOptions(options: RetentionOptions | undefined): void {
  checkOptionKeys(options, RETENTION_OPTION_KEYS, 'retention options');
  if (options?.dryRun !== undefined && typeof options.dryRun !== 'boolean') {
    throw new CtxkitError('INVALID_ARGUMENT', 'retention dryRun must be a boolean');
  }
}

/** A session as retention sees it: its id and its last activity (ms), when it has any dated record. */
export interface RetentionCandidate {
  sessionId: string;
  lastActivityMs: number | undefined;
}

/**
 * The sessions a policy removes: beyond `maxSessions` by most recent last activity, or last active
 * before `now - maxAgeDays`. A session with no readable dated record is never removed (nothing says
 * it is old).
 */
export function sessionsToRemove(
  candidates: readonly RetentionCandidate[],
  policy: RetentionPolicy | undefined,
  now: number,
): Set<string> {
  const out = new Set<string>();
  if (!policy) return out;
  const dated = candidates
    .filter((c): c is RetentionCandidate & { lastActivityMs: number } => c.lastActivityMs !== undefined)
    .sort((a, b) => b.lastActivityMs - a.lastActivityMs || a.sessionId.localeCompare(b.sessionId));
  const cutoff = policy.maxAgeDays !== undefined ? now - policy.maxAgeDays * 86_400_000 : -Infinity;
  dated.forEach((c, rank) => {
    const tooMany = policy.maxSessions !== undefined && rank >= policy.maxSessions;
    if (tooMany || c.lastActivityMs < cutoff) out.add(c.sessionId);
  });
  return out;
}

/** Where and how {@link runRetention} runs. */
export interface RetentionRun {
  directory: string;
  /** File names of the sessions a live writer has open: never rewritten nor removed. */
  open: ReadonlySet<string>;
  /** Files modified more recently than this (ms) are left alone. */
  quietMs: number;
  dryRun: boolean;
}

/**
 * Applies `policy` to the session files of a directory: removes whole sessions, rewrites files that
 * hold torn, corrupt or duplicate lines (every event kept), and deletes stale temporaries of earlier
 * rewrites. Open and recently modified files are left alone so a live writer never loses an append.
 */
export function runRetention(policy: RetentionPolicy | undefined, run: RetentionRun): RetentionResult {
  const { directory, dryRun } = run;
  const result: RetentionResult = {
    removedSessions: [],
    rewrittenSessions: [],
    droppedEvents: 0,
    droppedBadLines: 0,
    dryRun,
  };
  if (!existsSync(directory)) return result;
  const now = Date.now();
  if (!dryRun) removeStaleTemporaries(directory, now, run.quietMs);
  const files = listSessionFiles(directory, []).map((f) => {
    const parsed = parseSessionFile(join(directory, f.name));
    return { ...f, parsed, lastActivityMs: lastActivity(parsed) };
  });
  const remove = sessionsToRemove(files, policy, now);
  for (const { name, sessionId, parsed } of files) {
    const file = join(directory, name);
    if (run.open.has(name) || now - statSync(file).mtimeMs < run.quietMs) continue;
    if (remove.has(sessionId)) {
      if (!dryRun) unlinkSync(file);
      result.removedSessions.push(sessionId);
      result.droppedEvents += parsed.events.length;
      continue;
    }
    const seen = new Set<string>();
    const kept = parsed.events.filter((e) => !seen.has(e.id) && seen.add(e.id));
    if (kept.length === parsed.events.length && parsed.badLines === 0) continue;
    if (!parsed.session && kept.length === 0) continue; // nothing readable: leave it for a human
    if (!dryRun) {
      const lines = [
        ...(parsed.session ? [{ type: 'session', ...parsed.session }] : []),
        ...kept.map((e) => ({ type: 'usage', ...e })),
      ].map((r) => `${JSON.stringify(r)}\n`);
      atomicWrite(directory, name, lines.join(''));
    }
    result.rewrittenSessions.push(sessionId);
    result.droppedEvents += parsed.events.length - kept.length;
    result.droppedBadLines += parsed.badLines;
  }
  return result;
}

/** Deletes temporaries of rewrites that never finished (a crash between write and rename). */
function removeStaleTemporaries(directory: string, now: number, quietMs: number): void {
  for (const name of readdirSync(directory)) {
    if (!name.startsWith('.') || !name.endsWith('.tmp')) continue;
    const file = join(directory, name);
    if (now - statSync(file).mtimeMs > quietMs) unlinkSync(file);
  }
}
