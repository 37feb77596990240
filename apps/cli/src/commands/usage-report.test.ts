import type { SessionSummary } from '@ctxkit/tracker';
import { describe, expect, it } from 'vitest';
import { sessionsTable } from './usage-report.js';

const totals = {
  calls: 12,
  estimatedCalls: 0,
  inputTokens: 70_000,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  uncachedInputTokens: 70_000,
  outputTokens: 900,
  reasoningTokens: 0,
  totalTokens: 70_900,
  toolCalls: 8,
  toolResultTokens: 9_000,
  cost: 0,
  costComplete: true,
  unpricedCalls: 0,
};
const session = (id: string, extra: Partial<SessionSummary> = {}): SessionSummary => ({
  sessionId: id,
  startedAt: '2026-12-01T10:00:00.000Z',
  lastActivity: '2026-12-01T10:05:00.000Z',
  provider: 'local',
  model: 'qwen2.5-coder:7b',
  models: ['qwen2.5-coder:7b'],
  totals,
  ...extra,
});

describe('sessionsTable', () => {
  it('shows compactions and summary calls when a listed session has them', () => {
    const text = sessionsTable([session('nano', { compactions: 3, summaryCalls: 3 }), session('plain')]);
    expect(text).toContain('compactions (summary calls)');
    expect(text).toMatch(/nano.*\b3 \(3\)/);
    expect(text).toMatch(/plain.*\b0 \(0\)/);
  });

  it('leaves the column out when no session compacted', () => {
    expect(sessionsTable([session('plain')])).not.toContain('compactions');
  });
});
