import type { SessionRecord, UsageEvent } from '../types.js';
import { filterAndDedupe } from './query.js';
import type { StoreQuery, StoreReadResult, UsageStore } from './types.js';

/** In-memory {@link UsageStore} for tests and short-lived processes; keeps structured clones. */
export class MemoryUsageStore implements UsageStore {
  private readonly sessionRecords = new Map<string, SessionRecord>();
  private readonly events: UsageEvent[] = [];

  async startSession(session: SessionRecord): Promise<void> {
    this.sessionRecords.set(session.sessionId, structuredClone(session));
  }

  async append(event: UsageEvent): Promise<void> {
    this.events.push(structuredClone(event));
  }

  async flush(): Promise<void> {}

  async endSession(): Promise<void> {}

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

  async listSessions(): Promise<string[]> {
    const ids = new Set([...this.sessionRecords.keys(), ...this.events.map((e) => e.sessionId)]);
    return [...ids].sort();
  }

  async close(): Promise<void> {}
}
