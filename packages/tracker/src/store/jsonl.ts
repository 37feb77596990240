import { closeSync, fdatasyncSync } from 'node:fs';
import { join } from 'node:path';
import { CtxkitError } from '@ctxkit/core';
import { parseStrict, strictSessionRecordSchema, strictUsageEventSchema } from '../schema.js';
import type { SessionRecord, UsageEvent, UsageWarning } from '../types.js';
import { registerExitFlush, type SyncFlushable, unregisterExitFlush } from './exit-hooks.js';
import { openSessionFile, writeLine } from './file-writes.js';
import { checkSessionFileName, defaultUsageDirectory, sessionFileName } from './paths.js';
import { filterAndDedupe } from './query.js';
import { checkRetentionOptions, checkRetentionPolicy, runRetention } from './retention.js';
import { listSessionFiles, parseSessionFile } from './session-files.js';
import {
  checkStoreOptions,
  DEFAULT_MAX_BUFFERED_BYTES,
  type JsonlUsageStoreOptions,
} from './store-options.js';
import type {
  RetentionOptions,
  RetentionPolicy,
  RetentionResult,
  StoreQuery,
  StoreReadResult,
  UsageStore,
} from './types.js';

/** Flush intervals up to this keep the process alive until the flush (see enqueue). */
const KEEP_ALIVE_FLUSH_MS = 1000;

/** One buffered record and the promise its caller holds. */
interface PendingRecord {
  sessionId: string;
  bytes: Buffer;
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function pendingRecord(sessionId: string, line: string): PendingRecord {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Callers may fire-and-forget record(); a failed flush is kept as a warning, never an unhandled rejection.
  promise.catch(() => {});
  return { sessionId, bytes: Buffer.from(line, 'utf8'), promise, resolve, reject };
}

/**
 * Append-only JSONL usage history, one file per session. Each record is one JSON line written by a
 * single `write(2)` on an `O_APPEND` descriptor, so concurrent writers (several agent processes) never
 * interleave inside a line. Records are buffered (so `append` costs microseconds) and written on a
 * short timer, when the buffer fills, when a session ends, and on exit / SIGINT / SIGTERM; the promise
 * `append` returns resolves only after the record is written and fdatasync'ed.
 *
 * What it acknowledges it can read back: `append` and `startSession` refuse (throwing
 * `CtxkitError('INVALID_ARGUMENT')`) anything its reader would reject — non-finite, negative,
 * fractional or unsafe (> 2^53 - 1) numbers, unknown keys, a session id whose file name would not
 * fit. A record whose write fails is rejected with `IO_ERROR` and dropped: a partial line it left
 * (short write on a full disk) is truncated away, so it never appears later. Readers skip and report
 * a torn last line, corrupt lines and stray entries (directories, foreign names), tolerate a UTF-8
 * BOM, and de-duplicate by event id.
 */
export class JsonlUsageStore implements UsageStore, SyncFlushable {
  /** Directory holding the session files. */
  readonly directory: string;
  /** Problems met while writing (failed flushes). Reading returns its own warnings. */
  readonly warnings: UsageWarning[] = [];
  private readonly flushIntervalMs: number;
  private readonly maxBuffered: number;
  private readonly maxBufferedBytes: number;
  private readonly durable: boolean;
  private readonly retention: RetentionPolicy | undefined;
  private readonly quietMs: number;
  private readonly exitHooks: boolean;
  private pending: PendingRecord[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly fds = new Map<string, number>();
  private closed = false;

  /**
   * @param options - see {@link JsonlUsageStoreOptions}; an unknown key or a mistyped value throws
   *   `CtxkitError('INVALID_ARGUMENT')` (a misspelt `dir` must not fall back to the default store)
   */
  constructor(options: JsonlUsageStoreOptions = {}) {
    checkStoreOptions(options);
    this.directory = options.directory ?? defaultUsageDirectory();
    this.flushIntervalMs = options.flushIntervalMs ?? 50;
    this.maxBuffered = options.maxBufferedRecords ?? 1024;
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.durable = options.durable ?? true;
    this.retention = options.retention;
    this.quietMs = options.retentionQuietMs ?? options.compactQuietMs ?? 60_000;
    this.exitHooks = options.flushOnExit ?? true;
  }

  /** Buffers the session header line; resolves once it is durable. Throws for an invalid header. */
  startSession(session: SessionRecord): Promise<void> {
    const record = parseStrict(strictSessionRecordSchema, session, 'session record');
    return this.enqueue(record.sessionId, { type: 'session', ...record });
  }

  /**
   * Buffers one event line; resolves once it is written and fdatasync'ed. Throws
   * `CtxkitError('INVALID_ARGUMENT')` for an event the reader would not return.
   */
  append(event: UsageEvent): Promise<void> {
    const record = parseStrict(strictUsageEventSchema, event, 'usage event');
    return this.enqueue(record.sessionId, { type: 'usage', ...record });
  }

  private enqueue(sessionId: string, record: object): Promise<void> {
    if (this.closed) throw new CtxkitError('DISPOSED', 'the usage store is closed');
    checkSessionFileName(sessionId);
    // JSON.stringify escapes every newline inside strings, so the record is exactly one line.
    const entry = pendingRecord(sessionId, `${JSON.stringify(record)}\n`);
    this.pending.push(entry);
    this.pendingBytes += entry.bytes.length;
    if (this.pending.length === 1 && this.exitHooks) registerExitFlush(this);
    if (this.pending.length >= this.maxBuffered * 16 || this.pendingBytes >= this.maxBufferedBytes) {
      // Back-pressure and the memory bound: a caller that never yields (or a disk that refuses every
      // write) gets a synchronous flush; records it could not write are rejected now, not kept.
      this.flushSync();
    } else if (this.pending.length >= this.maxBuffered) {
      // Full buffer: flush on the next turn of the event loop, outside this record() call.
      if (!this.immediate) this.immediate = setImmediate(() => this.flushSync());
    } else if (!this.timer) {
      // A short flush interval keeps the process alive until the flush: a caller awaiting record() must
      // see it resolve even when nothing else keeps the process alive (left to the beforeExit hook, a
      // second awaited record() in a short script never settled). A long interval never delays exit:
      // the beforeExit/exit hooks write the buffer instead.
      this.timer = setTimeout(() => this.flushSync(), this.flushIntervalMs);
      if (this.flushIntervalMs > KEEP_ALIVE_FLUSH_MS) this.timer.unref();
    }
    return entry.promise;
  }

  /**
   * Writes every buffered record now (synchronously; safe inside an 'exit' handler). Each record's
   * promise settles on its own: written and synced records resolve, the others reject with
   * `IO_ERROR` and are dropped (never written later).
   */
  flushSync(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.immediate) {
      clearImmediate(this.immediate);
      this.immediate = undefined;
    }
    const pending = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (pending.length === 0) return;
    const written = new Map<number, PendingRecord[]>();
    const failed: Array<{ entry: PendingRecord; cause: unknown }> = [];
    for (const entry of pending) {
      try {
        const fd = this.fdFor(entry.sessionId);
        this.writeRecord(entry.sessionId, fd, entry.bytes);
        const list = written.get(fd);
        if (list) list.push(entry);
        else written.set(fd, [entry]);
      } catch (cause) {
        failed.push({ entry, cause });
      }
    }
    for (const [fd, entries] of written) {
      try {
        if (this.durable) fdatasyncSync(fd);
        for (const e of entries) e.resolve();
      } catch (cause) {
        // The lines are in the page cache but not known durable: report them as not stored.
        for (const entry of entries) failed.push({ entry, cause });
      }
    }
    if (failed.length === 0) return;
    const first = failed[0]!.cause as NodeJS.ErrnoException;
    const error = new CtxkitError(
      'IO_ERROR',
      `usage store flush failed: ${first.message}`,
      { directory: this.directory, unwritten: failed.length, errno: first.code },
      { cause: first },
    );
    this.warnings.push({
      code: 'FLUSH_FAILED',
      message: `${error.message} (${failed.length} record(s) rejected, not stored)`,
    });
    // Bounded: one warning per failed flush is plenty; a disk refusing every write must not grow memory.
    if (this.warnings.length > 100) this.warnings.splice(0, this.warnings.length - 100);
    for (const { entry } of failed) entry.reject(error);
  }

  private writeRecord(sessionId: string, fd: number, bytes: Buffer): void {
    // A fragment left behind (another writer appended after it, or the truncate failed): reopen, so the
    // next write first ends the fragment with a newline instead of gluing a record onto it.
    writeLine(fd, bytes, () => this.forget(sessionId, fd));
  }

  private forget(sessionId: string, fd: number): void {
    this.fds.delete(sessionId);
    try {
      closeSync(fd);
    } catch {
      // Already unusable; nothing more to release.
    }
  }

  /** Writes the buffer now and resolves when it is durable (rejects if a write failed). */
  async flush(): Promise<void> {
    const promises = this.pending.map((e) => e.promise);
    this.flushSync();
    await Promise.all(promises);
  }

  /** Flushes and closes the session's file descriptor. */
  async endSession(sessionId: string): Promise<void> {
    try {
      await this.flush();
    } finally {
      const fd = this.fds.get(sessionId);
      if (fd !== undefined) this.forget(sessionId, fd);
    }
  }

  private fdFor(sessionId: string): number {
    const open = this.fds.get(sessionId);
    if (open !== undefined) return open;
    const fd = openSessionFile(this.directory, sessionId);
    this.fds.set(sessionId, fd);
    return fd;
  }

  /** Session ids that have a file in the directory (stray entries are left out). */
  async listSessions(): Promise<string[]> {
    return listSessionFiles(this.directory, []).map((f) => f.sessionId);
  }

  /** Reads (after flushing this store's buffer) every matching session file; see {@link StoreReadResult}. */
  async read(query: StoreQuery = {}): Promise<StoreReadResult> {
    if (this.pending.length > 0) await this.flush().catch(() => {});
    const wanted = query.sessionIds ? new Set(query.sessionIds.map(sessionFileName)) : undefined;
    const sessions: SessionRecord[] = [];
    const events: UsageEvent[] = [];
    const warnings: UsageWarning[] = [];
    for (const { name } of listSessionFiles(this.directory, warnings)) {
      if (wanted && !wanted.has(name)) continue;
      // No shortcut on the file's mtime: an event's own time may be later than its write (an import,
      // a caller-given timestamp), so only the events decide what is in a time range.
      const parsed = parseSessionFile(join(this.directory, name));
      if (parsed.session) sessions.push(parsed.session);
      events.push(...parsed.events);
      warnings.push(...parsed.warnings);
    }
    return { sessions, ...filterAndDedupe(events, query), warnings };
  }

  /**
   * Applies retention: removes whole sessions beyond `maxSessions` (least recent last activity first)
   * or last active more than `maxAgeDays` ago, judged by the events' own timestamps (see
   * {@link RetentionPolicy}), and cleans files that hold torn, corrupt or duplicate lines (every event
   * kept). A file is rewritten atomically (temporary file, fsync, rename), and files of sessions open
   * in this store or modified in the last `retentionQuietMs` are left alone so a live writer never loses
   * an append. With `{ dryRun: true }` nothing changes and the result says what would.
   *
   * @example
   * ```ts
   * const preview = await store.applyRetention({ maxAgeDays: 90 }, { dryRun: true });
   * console.log(preview.removedSessions);
   * ```
   * @param policy - which sessions to remove; defaults to the store's `retention` option.
   * @param options - `dryRun` to preview; see {@link RetentionOptions}.
   */
  async applyRetention(
    policy: RetentionPolicy | undefined = this.retention,
    options: RetentionOptions = {},
  ): Promise<RetentionResult> {
    checkRetentionPolicy(policy);
    checkRetentionOptions(options);
    await this.flush();
    return runRetention(policy, {
      directory: this.directory,
      open: new Set([...this.fds.keys()].map(sessionFileName)),
      quietMs: this.quietMs,
      dryRun: options.dryRun ?? false,
    });
  }

  /**
   * Applies retention, exactly as {@link JsonlUsageStore.applyRetention}.
   * @param policy - which sessions to remove; defaults to the store's `retention` option.
   * @param options - `dryRun` to preview; see {@link RetentionOptions}.
   * @deprecated Use {@link JsonlUsageStore.applyRetention} ("compact" is kept for context compaction).
   */
  compact(policy?: RetentionPolicy, options?: RetentionOptions): Promise<RetentionResult> {
    return this.applyRetention(policy, options);
  }

  /** Flushes, closes every descriptor and removes this store's exit hooks. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      for (const fd of this.fds.values()) closeSync(fd);
      this.fds.clear();
      this.closed = true;
      unregisterExitFlush(this);
    }
  }
}
