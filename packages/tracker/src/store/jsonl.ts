import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
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
import { sessionRecordSchema, usageEventSchema } from '../schema.js';
import type { SessionRecord, UsageEvent, UsageWarning } from '../types.js';
import { registerExitFlush, type SyncFlushable, unregisterExitFlush } from './exit-hooks.js';
import { defaultUsageDirectory, sessionFileName, sessionIdFromFileName } from './paths.js';
import { filterAndDedupe } from './query.js';
import type { CompactResult, RetentionPolicy, StoreQuery, StoreReadResult, UsageStore } from './types.js';

/** Flush intervals up to this keep the process alive until the flush (see enqueue). */
const KEEP_ALIVE_FLUSH_MS = 1000;

/** Options of {@link JsonlUsageStore}. */
export interface JsonlUsageStoreOptions {
  /** Directory of the session files; default {@link defaultUsageDirectory}. */
  directory?: string;
  /**
   * Longest time a record waits in the buffer before it is written (ms, default 50). Up to 1 s the
   * pending flush keeps the process alive (an awaited `record()` always settles); a longer interval
   * never delays exit, and the exit hooks write the buffer.
   */
  flushIntervalMs?: number;
  /**
   * Buffered records that trigger a flush on the next event-loop turn (default 1024); at 16x this the
   * flush happens synchronously inside the append (back-pressure for callers that never yield).
   */
  maxBufferedRecords?: number;
  /** fdatasync after each flush so resolved appends survive a power cut (default true). */
  durable?: boolean;
  /** Default policy of {@link JsonlUsageStore.compact}. */
  retention?: RetentionPolicy;
  /** Files modified more recently than this are never rewritten by compaction (ms, default 60 000). */
  compactQuietMs?: number;
  /** Flush on exit, SIGINT, SIGTERM and SIGHUP (default true); the hooks are removed by `close()`. */
  flushOnExit?: boolean;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Callers may fire-and-forget record(); a failed flush is kept as a warning, never an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

const NEWLINE = 0x0a;

/** One parsed session file. */
interface ParsedFile {
  session: SessionRecord | undefined;
  events: UsageEvent[];
  badLines: number;
  warnings: UsageWarning[];
}

/**
 * Append-only JSONL usage history, one file per session. Each record is one JSON line written by a
 * single `write(2)` on an `O_APPEND` descriptor, so concurrent writers (several agent processes) never
 * interleave inside a line. Records are buffered (so `append` costs microseconds) and written on a
 * short timer, when the buffer fills, when a session ends, and on exit / SIGINT / SIGTERM; the promise
 * `append` returns resolves only after the record's batch is written and fdatasync'ed. Readers skip and
 * report a torn last line (a writer killed mid-write) and corrupt lines, and de-duplicate by event id.
 */
export class JsonlUsageStore implements UsageStore, SyncFlushable {
  /** Directory holding the session files. */
  readonly directory: string;
  /** Problems met while writing (failed flushes). Reading returns its own warnings. */
  readonly warnings: UsageWarning[] = [];
  private readonly flushIntervalMs: number;
  private readonly maxBuffered: number;
  private readonly durable: boolean;
  private readonly retention: RetentionPolicy | undefined;
  private readonly quietMs: number;
  private readonly exitHooks: boolean;
  private pending: Array<{ sessionId: string; line: string }> = [];
  private batch: Deferred | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly fds = new Map<string, number>();
  private closed = false;

  constructor(options: JsonlUsageStoreOptions = {}) {
    this.directory = options.directory ?? defaultUsageDirectory();
    this.flushIntervalMs = options.flushIntervalMs ?? 50;
    this.maxBuffered = options.maxBufferedRecords ?? 1024;
    this.durable = options.durable ?? true;
    this.retention = options.retention;
    this.quietMs = options.compactQuietMs ?? 60_000;
    this.exitHooks = options.flushOnExit ?? true;
  }

  /** Buffers the session header line; resolves once it is durable. */
  startSession(session: SessionRecord): Promise<void> {
    return this.enqueue(session.sessionId, { type: 'session', ...session });
  }

  /** Buffers one event line; resolves once its batch is written and fdatasync'ed. */
  append(event: UsageEvent): Promise<void> {
    return this.enqueue(event.sessionId, { type: 'usage', ...event });
  }

  private enqueue(sessionId: string, record: object): Promise<void> {
    if (this.closed) throw new CtxkitError('DISPOSED', 'the usage store is closed');
    // JSON.stringify escapes every newline inside strings, so the record is exactly one line.
    this.pending.push({ sessionId, line: `${JSON.stringify(record)}\n` });
    this.batch ??= deferred();
    const { promise } = this.batch;
    if (this.pending.length === 1 && this.exitHooks) registerExitFlush(this);
    if (this.pending.length >= this.maxBuffered * 16) {
      // Back-pressure: a caller that never yields to the event loop gets a synchronous flush.
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
    return promise;
  }

  /** Writes every buffered record now (synchronously; safe inside an 'exit' handler). */
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
    const batch = this.batch;
    this.pending = [];
    this.batch = undefined;
    if (pending.length === 0) {
      batch?.resolve();
      return;
    }
    const touched = new Set<number>();
    let written = 0;
    try {
      for (const { sessionId, line } of pending) {
        const fd = this.fdFor(sessionId);
        writeWholeLine(fd, line);
        touched.add(fd);
        written++;
      }
      if (this.durable) for (const fd of touched) fdatasyncSync(fd);
      batch?.resolve();
    } catch (cause) {
      // Keep what was not written for the next flush, and fail this batch's promise.
      this.pending = [...pending.slice(written), ...this.pending];
      const error = new CtxkitError(
        'IO_ERROR',
        `usage store flush failed: ${(cause as Error).message}`,
        {
          directory: this.directory,
          unwritten: pending.length - written,
        },
        { cause },
      );
      this.warnings.push({ code: 'FLUSH_FAILED', message: error.message });
      batch?.reject(error);
    }
  }

  /** Writes the buffer now and resolves when it is durable (rejects if the write failed). */
  async flush(): Promise<void> {
    const promise = this.batch?.promise;
    this.flushSync();
    await promise;
  }

  /** Flushes and closes the session's file descriptor. */
  async endSession(sessionId: string): Promise<void> {
    await this.flush();
    const fd = this.fds.get(sessionId);
    if (fd !== undefined) {
      closeSync(fd);
      this.fds.delete(sessionId);
    }
  }

  private fdFor(sessionId: string): number {
    const open = this.fds.get(sessionId);
    if (open !== undefined) return open;
    mkdirSync(this.directory, { recursive: true });
    const fd = openSync(join(this.directory, sessionFileName(sessionId)), 'a+');
    terminateTornTail(fd);
    this.fds.set(sessionId, fd);
    return fd;
  }

  /** Session ids that have a file in the directory. */
  async listSessions(): Promise<string[]> {
    return this.sessionFiles().map((f) => sessionIdFromFileName(f));
  }

  private sessionFiles(): string[] {
    if (!existsSync(this.directory)) return [];
    return readdirSync(this.directory)
      .filter((f) => f.endsWith('.jsonl') && !f.startsWith('.'))
      .sort();
  }

  /** Reads (after flushing this store's buffer) every matching session file; see {@link StoreReadResult}. */
  async read(query: StoreQuery = {}): Promise<StoreReadResult> {
    if (this.pending.length > 0) await this.flush();
    const wanted = query.sessionIds ? new Set(query.sessionIds.map(sessionFileName)) : undefined;
    const sessions: SessionRecord[] = [];
    const events: UsageEvent[] = [];
    const warnings: UsageWarning[] = [];
    for (const name of this.sessionFiles()) {
      if (wanted && !wanted.has(name)) continue;
      const file = join(this.directory, name);
      // Every append moves mtime, so a file last touched before `since` holds nothing newer.
      if (query.since && statSync(file).mtimeMs < query.since.getTime()) continue;
      const parsed = parseSessionFile(file);
      if (parsed.session) sessions.push(parsed.session);
      events.push(...parsed.events);
      warnings.push(...parsed.warnings);
    }
    return { sessions, ...filterAndDedupe(events, query), warnings };
  }

  /**
   * Applies retention: deletes sessions beyond `maxSessions` (least recently active first) and events
   * older than `maxAgeDays`, and cleans files that hold torn, corrupt or duplicate lines. A file is
   * rewritten atomically (temporary file, fsync, rename), and files of sessions open in this store or
   * modified in the last `compactQuietMs` are left alone so a live writer never loses an append.
   */
  async compact(policy: RetentionPolicy | undefined = this.retention): Promise<CompactResult> {
    await this.flush();
    const result: CompactResult = {
      removedSessions: [],
      rewrittenSessions: [],
      droppedEvents: 0,
      droppedBadLines: 0,
    };
    if (!existsSync(this.directory)) return result;
    const now = Date.now();
    this.removeStaleTemporaries(now);
    const open = new Set([...this.fds.keys()].map(sessionFileName));
    const files = this.sessionFiles()
      .map((name) => ({ name, mtimeMs: statSync(join(this.directory, name)).mtimeMs }))
      .sort((a, b) => b.mtimeMs - a.mtimeMs);
    const cutoff = policy?.maxAgeDays !== undefined ? now - policy.maxAgeDays * 86_400_000 : -Infinity;
    files.forEach(({ name, mtimeMs }, rank) => {
      if (open.has(name) || now - mtimeMs < this.quietMs) return;
      const file = join(this.directory, name);
      const sessionId = sessionIdFromFileName(name);
      const parsed = parseSessionFile(file);
      const tooMany = policy?.maxSessions !== undefined && rank >= policy.maxSessions;
      if (tooMany || mtimeMs < cutoff) {
        unlinkSync(file);
        result.removedSessions.push(sessionId);
        result.droppedEvents += parsed.events.length;
        return;
      }
      const seen = new Set<string>();
      const kept = parsed.events.filter((e) => {
        if (seen.has(e.id) || Date.parse(e.timestamp) < cutoff) return false;
        seen.add(e.id);
        return true;
      });
      if (kept.length === parsed.events.length && parsed.badLines === 0) return;
      const lines = [
        ...(parsed.session ? [{ type: 'session', ...parsed.session }] : []),
        ...kept.map((e) => ({ type: 'usage', ...e })),
      ].map((r) => `${JSON.stringify(r)}\n`);
      atomicWrite(this.directory, name, lines.join(''));
      result.rewrittenSessions.push(sessionId);
      result.droppedEvents += parsed.events.length - kept.length;
      result.droppedBadLines += parsed.badLines;
    });
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

/** One write(2) of the whole line; a short write (disk full) is completed rather than left torn. */
function writeWholeLine(fd: number, line: string): void {
  const bytes = Buffer.from(line, 'utf8');
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
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
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
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
  const text = readFileSync(file, 'utf8');
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
