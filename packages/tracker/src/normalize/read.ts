import { CtxkitError } from '@ctxkit/core';
import type { Latency, TokenUsage } from '../types.js';

/** What every normalizer returns: clean counts plus whatever ids and timings the response carried. */
export interface NormalizedUsage {
  usage: TokenUsage;
  /** Provider name the shape belongs to (`openai`, `anthropic`, `google`, `ollama`, …). */
  provider?: string;
  model?: string;
  /** Response id, used as the event id so a replayed or re-streamed response is counted once. */
  responseId?: string;
  latency?: Latency;
  /** Missing or inconsistent fields that were read leniently. */
  warnings: string[];
}

/** Plain-object test that rejects arrays and null. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads one token count. Absent (`undefined`/`null`) reads as 0 — with a warning when the field is one
 * the shape always carries; anything that is present but not a finite non-negative number is refused,
 * because storing it would corrupt every total built on it.
 */
export function readCount(
  obj: Record<string, unknown> | undefined,
  key: string,
  warnings: string[],
  expected = false,
): number {
  const value = obj?.[key];
  if (value === undefined || value === null) {
    if (expected) warnings.push(`missing ${key}; read as 0`);
    return 0;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new CtxkitError('INVALID_ARGUMENT', `usage field ${key} must be a finite non-negative number`, {
      field: key,
      value: typeof value === 'number' ? String(value) : typeof value,
    });
  }
  return Math.round(value);
}

/** Reads an optional string field. */
export function readString(obj: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = obj?.[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Child object or undefined. */
export function child(
  obj: Record<string, unknown> | undefined,
  key: string,
): Record<string, unknown> | undefined {
  const value = obj?.[key];
  return isRecord(value) ? value : undefined;
}

/**
 * Checks the invariants every normalized usage keeps (cache parts within the input, reasoning within the
 * output) and clamps with a warning instead of storing impossible numbers.
 */
export function checkUsage(usage: TokenUsage, warnings: string[]): TokenUsage {
  const out = { ...usage };
  if (out.cachedInputTokens + out.cacheWriteTokens > out.inputTokens) {
    warnings.push(
      `cache tokens (${out.cachedInputTokens} read + ${out.cacheWriteTokens} write) exceed input ${out.inputTokens}; input raised to their sum`,
    );
    out.inputTokens = out.cachedInputTokens + out.cacheWriteTokens;
  }
  if (out.cacheWrite1hTokens !== undefined && out.cacheWrite1hTokens > out.cacheWriteTokens) {
    warnings.push('1-hour cache writes exceed cache writes; clamped');
    out.cacheWrite1hTokens = out.cacheWriteTokens;
  }
  if (out.reasoningTokens > out.outputTokens) {
    warnings.push(`reasoning ${out.reasoningTokens} exceeds output ${out.outputTokens}; output raised`);
    out.outputTokens = out.reasoningTokens;
  }
  if (out.cacheWrite1hTokens === undefined) delete out.cacheWrite1hTokens;
  return out;
}

/** Unknown shape: a typed error naming the keys we saw, so the caller can report it. */
export function unknownShape(what: string, raw: unknown): CtxkitError {
  const keys = isRecord(raw) ? Object.keys(raw).slice(0, 12) : [];
  return new CtxkitError('INVALID_ARGUMENT', `unrecognized ${what} usage shape`, {
    reason: 'unknown-shape',
    keys,
    type: Array.isArray(raw) ? 'array' : typeof raw,
  });
}

/** Nanoseconds (Ollama durations) to milliseconds. */
export function nsToMs(ns: number): number {
  return ns / 1e6;
}

/** Whether an error is the "unknown shape" error (as opposed to a bad count in a known shape). */
export function isUnknownShape(error: unknown): boolean {
  return error instanceof CtxkitError && error.details?.reason === 'unknown-shape';
}
