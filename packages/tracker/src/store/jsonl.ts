import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { CtxkitError } from '@ctxkit/core';
import { checkOptionKeys } from '../options.js';
import {
  parseStrict,
  sessionRecordSchema,
  strictSessionRecordSchema,
  strictUsageEventSchema,
  usageEventSchema,
} from '../schema.js';
import type { SessionRecord, UsageEvent, UsageWarning } from '../types.js';
import { registerExitFlush, type SyncFlushable, unregisterExitFlush } from './exit-hooks.js';
import {
  checkSessionFileName,
  defaultUsageDirectory,
  sessionFileName,
  sessionIdFromFileName,
} from './paths.js';
import { filterAndDedupe } from './query.js';
import { checkCompactOptions, checkRetentionPolicy, sessionsToRemove } from './retention.js';
import type {
  CompactOptions,
  CompactResult,
  RetentionPolicy,
  StoreQuery,
  StoreReadResult,
  UsageStore,
} from './types.js';

/** Flush intervals up to this keep the process alive until the flush (see enqueue). */
const KEEP_ALIVE_FLUSH_MS = 1000;
/** Default of {@link JsonlUsageStoreOptions.maxBufferedBytes}: 8 MiB. */
const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

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
  /** Default policy of {@link JsonlUsageStore.compact}. */
  retention?: RetentionPolicy;
  /**
   * Files modified more recently than this (in ms) are never rewritten by compaction.
   * @default 60000
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
  compactQuietMs: true,
  flushOnExit: true,
} satisfies Record<keyof JsonlUsageStoreOptions, true>;

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

function checkStoreOptions(options: JsonlUsageStoreOptions): void {
  checkOptionKeys(options, STORE_OPTION_KEYS, 'JsonlUsageStore options');
  const { directory } = options;
  if (directory !== undefined && (typeof directory !== 'string' || directory.length === 0)) {
    throw new CtxkitError('INVALID_ARGUMENT', 'JsonlUsageStore directory must be a non-empty string');
  }
  const numbers: Array<[string, unknown, number]> = [
    ['flushIntervalMs', options.flushIntervalMs, 0],
    ['maxBufferedRecords', options.maxBufferedRecords, 1],
    ['maxBufferedBytes', options.maxBufferedBytes, 1],
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

const NEWLINE = 0x0a;
const BOM = '\uFEFF';

/** One parsed session file. */
interface ParsedFile {
  session: SessionRecord | undefined;
  events: UsageEvent[];
  badLines: number;
  warnings: UsageWarning[];
}

/** A directory entry that holds a session: its file name and the session id it encodes. */
interface SessionFile {
  name: string;
  sessionId: string;
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
    this.quietMs = options.compactQuietMs ?? 60_000;
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

  /**
   * Writes one whole line. A short write (a full disk) is continued; if the rest cannot be written the
   * fragment is truncated away, so the file ends on a whole line and the record can be retried (or
   * dropped) without leaving a corrupt line behind.
   */
  private writeRecord(sessionId: string, fd: number, bytes: Buffer): void {
    let offset = 0;
    try {
      while (offset < bytes.length) {
        const n = writeSync(fd, bytes, offset, bytes.length - offset);
        if (n <= 0) throw new Error('write(2) wrote nothing');
        offset += n;
      }
    } catch (cause) {
      if (offset > 0 && !removeFragment(fd, bytes.subarray(0, offset))) {
        // Someone appended after our fragment (or the truncate failed): reopen, so the next write
        // first ends the fragment with a newline instead of gluing a record onto it.
        this.forget(sessionId, fd);
      }
      throw cause;
    }
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
    mkdirSync(this.directory, { recursive: true });
    const fd = openSync(join(this.directory, sessionFileName(sessionId)), 'a+');
    try {
      // A directory named like a session file opens on some systems; writing to it must fail here.
      if (!fstatSync(fd).isFile()) {
        throw Object.assign(new Error(`${sessionFileName(sessionId)} is not a regular file`), {
          code: 'EISDIR',
        });
      }
      terminateTornTail(fd);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    this.fds.set(sessionId, fd);
    return fd;
  }

  /** Session ids that have a file in the directory (stray entries are left out). */
  async listSessions(): Promise<string[]> {
    return this.sessionFiles([]).map((f) => f.sessionId);
  }

  /**
   * The session files: regular `*.jsonl` files whose names decode to a session id. Anything else (a
   * directory named `x.jsonl`, a foreign `100%.jsonl`) is skipped with a `STRAY_FILE` warning.
   */
  private sessionFiles(warnings: UsageWarning[]): SessionFile[] {
    if (!existsSync(this.directory)) return [];
    const out: SessionFile[] = [];
    for (const entry of readdirSync(this.directory, { withFileTypes: true })) {
      const { name } = entry;
      if (!name.endsWith('.jsonl') || name.startsWith('.')) continue;
      const file = join(this.directory, name);
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

  /** Reads (after flushing this store's buffer) every matching session file; see {@link StoreReadResult}. */
  async read(query: StoreQuery = {}): Promise<StoreReadResult> {
    if (this.pending.length > 0) await this.flush().catch(() => {});
    const wanted = query.sessionIds ? new Set(query.sessionIds.map(sessionFileName)) : undefined;
    const sessions: SessionRecord[] = [];
    const events: UsageEvent[] = [];
    const warnings: UsageWarning[] = [];
    for (const { name } of this.sessionFiles(warnings)) {
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
   * in this store or modified in the last `compactQuietMs` are left alone so a live writer never loses
   * an append. With `{ dryRun: true }` nothing changes and the result says what would.
   *
   * @example
   * ```ts
   * const preview = await store.compact({ maxAgeDays: 90 }, { dryRun: true });
   * console.log(preview.removedSessions);
   * ```
   * @param policy - which sessions to remove; defaults to the store's `retention` option.
   * @param options - `dryRun` to preview; see {@link CompactOptions}.
   */
  async compact(
    policy: RetentionPolicy | undefined = this.retention,
    options: CompactOptions = {},
  ): Promise<CompactResult> {
    checkRetentionPolicy(policy);
    checkCompactOptions(options);
    const dryRun = options.dryRun ?? false;
    await this.flush();
    const result: CompactResult = {
      removedSessions: [],
      rewrittenSessions: [],
      droppedEvents: 0,
      droppedBadLines: 0,
      dryRun,
    };
    if (!existsSync(this.directory)) return result;
    const now = Date.now();
    if (!dryRun) this.removeStaleTemporaries(now);
    const open = new Set([...this.fds.keys()].map(sessionFileName));
    const files = this.sessionFiles([]).map((f) => {
      const parsed = parseSessionFile(join(this.directory, f.name));
      return { ...f, parsed, lastActivityMs: lastActivity(parsed) };
    });
    const remove = sessionsToRemove(files, policy, now);
    for (const { name, sessionId, parsed } of files) {
      const file = join(this.directory, name);
      if (open.has(name) || now - statSync(file).mtimeMs < this.quietMs) continue;
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
        atomicWrite(this.directory, name, lines.join(''));
      }
      result.rewrittenSessions.push(sessionId);
      result.droppedEvents += parsed.events.length - kept.length;
      result.droppedBadLines += parsed.badLines;
    }
    return result;
  }

  private removeStaleTemporaries(now: number): void {
    for (const name of readdirSync(this.directory)) {
      if (!name.startsWith('.') || !name.endsWith('.tmp')) continue;
      const file = join(this.directory, name);
      if (now - statSync(file).mtimeMs > this.quietMs) unlinkSync(file);
    }
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

/** Newest event time of a session, else its header's start; undefined when nothing is dated. */
function lastActivity(parsed: ParsedFile): number | undefined {
  let last = parsed.session ? Date.parse(parsed.session.startedAt) : undefined;
  for (const e of parsed.events) {
    const t = Date.parse(e.timestamp);
    if (last === undefined || t > last) last = t;
  }
  return last;
}

/**
 * Removes our own fragment from the end of the file after a failed write. Returns false when the file
 * no longer ends with it (another writer appended after it) or the truncate failed.
 */
function removeFragment(fd: number, fragment: Buffer): boolean {
  try {
    const { size } = fstatSync(fd);
    if (size < fragment.length) return false;
    const tail = Buffer.alloc(fragment.length);
    readSync(fd, tail, 0, fragment.length, size - fragment.length);
    if (!tail.equals(fragment)) return false;
    ftruncateSync(fd, size - fragment.length);
    return true;
  } catch {
    return false;
  }
}

/**
 * A writer killed mid-write can leave a last line without its newline; end it before appending, so
 * our first line is not glued to the fragment (the fragment then reads as one corrupt line).
 */
function terminateTornTail(fd: number): void {
  const { size } = fstatSync(fd);
  if (size === 0) return;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  if (last[0] !== NEWLINE) writeSync(fd, '\n');
}

function atomicWrite(directory: string, name: string, content: string): void {
  const tmp = join(directory, `.${name}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    const bytes = Buffer.from(content, 'utf8');
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(tmp);
    throw error;
  }
  closeSync(fd);
  renameSync(tmp, join(directory, name));
  try {
    const dirFd = openSync(directory, 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  } catch {
    // Directory fsync is not supported everywhere; the rename itself is still atomic.
  }
}

/** Parses one session file, skipping (and reporting) a torn last line and corrupt lines. */
function parseSessionFile(file: string): ParsedFile {
  let text = readFileSync(file, 'utf8');
  // An editor may have saved the file with a UTF-8 BOM; it must not make the header unreadable.
  if (text.startsWith(BOM)) text = text.slice(1);
  const lines = text.split('\n');
  const out: ParsedFile = { session: undefined, events: [], badLines: 0, warnings: [] };
  const tail = lines.pop() ?? '';
  lines.forEach((line, index) => {
    if (line.trim().length === 0) return;
    const problem = parseLine(line, out);
    if (problem) {
      out.badLines++;
      out.warnings.push({ code: 'CORRUPT_LINE', message: problem, file, line: index + 1 });
    }
  });
  if (tail.length > 0) {
    out.badLines++;
    out.warnings.push({
      code: 'TORN_LINE',
      message: `torn last line (${tail.length} bytes without a newline) skipped`,
      file,
      line: lines.length + 1,
    });
  }
  return out;
}

function parseLine(line: string, out: ParsedFile): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
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
