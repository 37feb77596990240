import type { SessionRecord, UsageEvent, UsageWarning } from '../types.js';

/** What to read back from a store. */
export interface StoreQuery {
  /** Only these sessions. */
  sessionIds?: readonly string[];
  /** Events at or after this time. */
  since?: Date;
  /** Events at or before this time. */
  until?: Date;
}

/** What a store read returns: clean, de-duplicated records plus every problem met on the way. */
export interface StoreReadResult {
  sessions: SessionRecord[];
  /** Events sorted by timestamp, de-duplicated by id (first copy wins). */
  events: UsageEvent[];
  /** Copies of an already-seen id that were dropped. */
  duplicates: number;
  /** Torn last lines, corrupt lines: reported, skipped, never fatal. */
  warnings: UsageWarning[];
}

/**
 * Retention policy applied by {@link UsageStore.applyRetention}. Retention removes whole sessions, judged by
 * their last activity: the newest event's own `timestamp` (the header's `startedAt` for a session
 * without events), never the file's modification or import time. A session is kept or removed
 * whole, so no header is ever left without its events.
 */
export interface RetentionPolicy {
  /** Keep at most this many sessions (most recent last activity first); a non-negative integer. */
  maxSessions?: number;
  /** Remove sessions whose last activity is older than this many days; a positive number. */
  maxAgeDays?: number;
}

/** Options of {@link UsageStore.applyRetention}. */
export interface RetentionOptions {
  /**
   * Change nothing; return what a real run would remove and rewrite.
   * @default false
   */
  dryRun?: boolean;
}

/** What a retention run did (or, with `dryRun`, would do). */
export interface RetentionResult {
  /** Sessions whose file was (or would be) deleted whole. */
  removedSessions: string[];
  /** Sessions rewritten without their torn, corrupt or duplicate lines (every event kept). */
  rewrittenSessions: string[];
  /** Events in the removed sessions plus duplicate copies dropped by rewrites. */
  droppedEvents: number;
  /** Torn or corrupt lines dropped by rewrites. */
  droppedBadLines: number;
  /** True when nothing was changed (a dry run). */
  dryRun: boolean;
}

/**
 * Options of a retention run.
 * @deprecated Use {@link RetentionOptions} ("compact" is kept for context compaction).
 */
export type CompactOptions = RetentionOptions;

/**
 * What a retention run did.
 * @deprecated Use {@link RetentionResult} ("compact" is kept for context compaction).
 */
export type CompactResult = RetentionResult;

/**
 * Where usage history lives. Implementations: {@link JsonlUsageStore} (default, durable),
 * {@link MemoryUsageStore} (tests). A SQLite store would implement the same interface: `append` may
 * buffer but must resolve only once the event is durable, must refuse (with a typed error) what its
 * reader would not return, and must never store a record whose promise it rejected; `read` must de-duplicate by `id` and report,
 * not throw on, damaged records.
 */
export interface UsageStore {
  /** Records a session header (buffered like events). */
  startSession(session: SessionRecord): Promise<void>;
  /** Appends one event; resolves once it is durable. May buffer. */
  append(event: UsageEvent): Promise<void>;
  /** Writes every buffered record durably. */
  flush(): Promise<void>;
  /** Closes one session's resources after flushing it. */
  endSession(sessionId: string): Promise<void>;
  /** Reads sessions and events. */
  read(query?: StoreQuery): Promise<StoreReadResult>;
  /** Lists the session ids present. */
  listSessions(): Promise<string[]>;
  /** Applies a retention policy (atomic rewrites); stores without retention may omit it. */
  applyRetention?(policy?: RetentionPolicy, options?: RetentionOptions): Promise<RetentionResult>;
  /**
   * Applies a retention policy; the tracker calls it when a store has no `applyRetention`.
   * @deprecated Implement {@link UsageStore.applyRetention} ("compact" is kept for context compaction).
   */
  compact?(policy?: RetentionPolicy, options?: RetentionOptions): Promise<RetentionResult>;
  /** Flushes and releases everything (file handles, exit handlers). */
  close(): Promise<void>;
}
