import { CtxkitError } from '@ctxkit/core';
import { checkOptionKeys } from '../options.js';
import type { CompactOptions, RetentionPolicy } from './types.js';

const RETENTION_KEYS = { maxSessions: true, maxAgeDays: true } satisfies Record<keyof RetentionPolicy, true>;
const COMPACT_KEYS = { dryRun: true } satisfies Record<keyof CompactOptions, true>;

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

/** Refuses unknown keys of {@link CompactOptions}. */
export function checkCompactOptions(options: CompactOptions | undefined): void {
  checkOptionKeys(options, COMPACT_KEYS, 'compact options');
  if (options?.dryRun !== undefined && typeof options.dryRun !== 'boolean') {
    throw new CtxkitError('INVALID_ARGUMENT', 'compact dryRun must be a boolean');
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
