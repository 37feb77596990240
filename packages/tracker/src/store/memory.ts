import { parseStrict, strictSessionRecordSchema, strictUsageEventSchema } from '../schema.js';
import type { SessionRecord, UsageEvent } from '../types.js';
import { filterAndDedupe } from './query.js';
import type { StoreQuery, StoreReadResult, UsageStore } from './types.js';

/** In-memory {@link UsageStore} for tests and short-lived processes; keeps structured clones. */
export class MemoryUsageStore implements UsageStore {
  private readonly sessionRecords = new Map<string, SessionRecord>();
  private readonly events: UsageEvent[] = [];

  /** Keeps the session header; rejects (`INVALID_ARGUMENT`) what the JSONL store would refuse. */
  async startSession(session: SessionRecord): Promise<void> {
    const record = parseStrict(strictSessionRecordSchema, session, 'session record');
    this.sessionRecords.set(record.sessionId, record);
  }

  /** Keeps a copy of the event (durable as soon as it is in memory); rejects what the JSONL store would. */
  async append(event: UsageEvent): Promise<void> {
    this.events.push(parseStrict(strictUsageEventSchema, event, 'usage event') as UsageEvent);
  }

  /** Nothing to flush. */
  async flush(): Promise<void> {}

  /** Nothing to release. */
  async endSession(): Promise<void> {}

  /** Returns copies, de-duplicated by id and filtered by the query. */
  async read(query: StoreQuery = {}): Promise<StoreReadResult> {
    const sessions = [...this.sessionRecords.values()].filter(
      (s) => !query.sessionIds || query.sessionIds.includes(s.sessionId),
    );
    return {
      sessions: structuredClone(sessions),
      ...filterAndDedupe(structuredClone(this.events), query),
      warnings: [],
    };
  }

  /** Ids of every session with a header or an event. */
  async listSessions(): Promise<string[]> {
    const ids = new Set([...this.sessionRecords.keys(), ...this.events.map((e) => e.sessionId)]);
    return [...ids].sort();
  }

  /** Nothing to close. */
  async close(): Promise<void> {}
}
