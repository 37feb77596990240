import { CtxkitError, checkOptionKeys } from '@ctxkit/core';
import { checkRetentionPolicy } from './retention.js';
import type { RetentionPolicy } from './types.js';

/** Default of {@link JsonlUsageStoreOptions.maxBufferedBytes}: 8 MiB. */
export const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Options of {@link JsonlUsageStore}. */
export interface JsonlUsageStoreOptions {
  /**
   * Directory of the session files.
   * @default defaultUsageDirectory()
   */
  directory?: string;
  /**
   * Longest time a record waits in the buffer before it is written, in ms. Up to 1 s the
   * pending flush keeps the process alive (an awaited `record()` always settles); a longer interval
   * never delays exit, and the exit hooks write the buffer.
   * @default 50
   */
  flushIntervalMs?: number;
  /**
   * Buffered records that trigger a flush on the next event-loop turn; at 16x this the
   * flush happens synchronously inside the append (back-pressure for callers that never yield).
   * @default 1024
   */
  maxBufferedRecords?: number;
  /**
   * Buffered bytes that trigger a synchronous flush inside the append (8 MiB by default). With
   * `maxBufferedRecords` this bounds the buffer: it never holds more than 16 × `maxBufferedRecords`
   * records nor more than `maxBufferedBytes` plus one record, even when every write fails (records
   * whose write failed are rejected and dropped, not kept).
   * @default 8388608
   */
  maxBufferedBytes?: number;
  /**
   * fdatasync after each flush so resolved appends survive a power cut.
   * @default true
   */
  durable?: boolean;
  /** Default policy of {@link JsonlUsageStore.applyRetention}. */
  retention?: RetentionPolicy;
  /**
   * Files modified more recently than this (in ms) are never rewritten nor removed by retention.
   * @default 60000
   */
  retentionQuietMs?: number;
  /**
   * Old name of `retentionQuietMs` (used when that is not given).
   * @deprecated Use `retentionQuietMs` ("compact" is kept for context compaction).
   */
  compactQuietMs?: number;
  /**
   * Flush on exit, SIGINT, SIGTERM and SIGHUP; the hooks are removed by `close()`.
   * @default true
   */
  flushOnExit?: boolean;
}

const STORE_OPTION_KEYS = {
  directory: true,
  flushIntervalMs: true,
  maxBufferedRecords: true,
  maxBufferedBytes: true,
  durable: true,
  retention: true,
  retentionQuietMs: true,
  compactQuietMs: true,
  flushOnExit: true,
} satisfies Record<keyof JsonlUsageStoreOptions, true>;

/**
 * Refuses an unknown key or a mistyped value (`INVALID_ARGUMENT`): a misspelt `dir` must not fall
 * back to the default store.
 */
export function checkStoreOptions(options: JsonlUsageStoreOptions): void {
  checkOptionKeys(options, STORE_OPTION_KEYS, 'JsonlUsageStore options');
  const { directory } = options;
  if (directory !== undefined && (typeof directory !== 'string' || directory.length === 0)) {
    throw new CtxkitError('INVALID_ARGUMENT', 'JsonlUsageStore directory must be a non-empty string');
  }
  const numbers: Array<[string, unknown, number]> = [
    ['flushIntervalMs', options.flushIntervalMs, 0],
    ['maxBufferedRecords', options.maxBufferedRecords, 1],
    ['maxBufferedBytes', options.maxBufferedBytes, 1],
    ['retentionQuietMs', options.retentionQuietMs, 0],
    ['compactQuietMs', options.compactQuietMs, 0],
  ];
  for (const [name, value, min] of numbers) {
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      throw new CtxkitError('INVALID_ARGUMENT', `JsonlUsageStore ${name} must be an integer >= ${min}`, {
        [name]: String(value),
      });
    }
  }
  for (const name of ['durable', 'flushOnExit'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') {
      throw new CtxkitError('INVALID_ARGUMENT', `JsonlUsageStore ${name} must be a boolean`);
    }
  }
  checkRetentionPolicy(options.retention);
}
