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

/** Retention policy applied by {@link UsageStore.compact}. */
export interface RetentionPolicy {
  /** Keep at most this many sessions (most recently active first). */
  maxSessions?: number;
  /** Drop events older than this many days. */
  maxAgeDays?: number;
}

/** What a compaction did. */
export interface CompactResult {
  removedSessions: string[];
  rewrittenSessions: string[];
  droppedEvents: number;
  droppedBadLines: number;
}

/**
 * Where usage history lives. Implementations: {@link JsonlUsageStore} (default, durable),
 * {@link MemoryUsageStore} (tests). A SQLite store would implement the same interface: `append` may
 * buffer but must resolve only once the event is durable; `read` must de-duplicate by `id` and report,
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
  compact?(policy?: RetentionPolicy): Promise<CompactResult>;
  /** Flushes and releases everything (file handles, exit handlers). */
  close(): Promise<void>;
}
