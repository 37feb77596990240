import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qwen, RECALL_FILES, type RecallRun, runRecall } from '../test/recall.js';

// The real Nanocoder CLI reads 8 files (one constant each) and reports them; the loopback model
// answers only from what its request shows and rejects requests over the window. At 8k stock
// Nanocoder is rejected; at 16k it completes. ctxkit must complete at 8k with at least 7 of the
// 8 facts (its summary model keeps what it is shown) and answer exactly as stock does at 16k.
describe('end-to-end recall, real Nanocoder, stock vs ctxkit', () => {
  let runs: Record<string, RecallRun>;
  beforeAll(async () => {
    qwen.countTokens('warm up');
    const [stock8, ctxkit8, stock16, ctxkit16] = await Promise.all([
      runRecall(8192, 'stock'),
      runRecall(8192, 'ctxkit-model'),
      runRecall(16384, 'stock'),
      runRecall(16384, 'ctxkit-model'),
    ]);
    runs = { stock8, ctxkit8, stock16, ctxkit16 } as Record<string, RecallRun>;
  }, 400_000);
  afterAll(() => {
    runs = {};
  });

  it('no request carries a duplicate, orphan or unanswered tool-call id', () => {
    for (const r of Object.values(runs)) expect(r.requests.flatMap((q) => q.pairing)).toEqual([]);
  });

  it('at 8k stock Nanocoder is rejected; ctxkit completes with at least 7 of 8 facts', () => {
    const { stock8, ctxkit8 } = runs as Record<string, RecallRun>;
    expect(stock8?.requests.some((q) => q.rejected)).toBe(true);
    expect(stock8?.code).not.toBe(0);
    expect(ctxkit8?.code, ctxkit8?.stderr).toBe(0);
    expect(ctxkit8?.requests.every((q) => !q.rejected && q.tokens <= 8192)).toBe(true);
    // It got there through model summaries, each one accepted (no fallback notice).
    expect(ctxkit8?.requests.filter((q) => q.kind === 'summary').length).toBeGreaterThan(0);
    expect(ctxkit8?.notices.filter((l) => /compacted/.test(l)).every((l) => /summary by /.test(l))).toBe(
      true,
    );
    expect(ctxkit8?.facts).toBeGreaterThanOrEqual(7);
  });

  it('at 16k, where stock completes, ctxkit answers exactly as well and sends no summary call', () => {
    const { stock16, ctxkit16 } = runs as Record<string, RecallRun>;
    expect(stock16?.code).toBe(0);
    expect(ctxkit16?.code, ctxkit16?.stderr).toBe(0);
    expect(stock16?.facts).toBe(RECALL_FILES.length);
    expect(ctxkit16?.facts).toBe(stock16?.facts);
    expect(ctxkit16?.answer).toBe(stock16?.answer);
    expect(ctxkit16?.requests.filter((q) => q.kind === 'summary')).toEqual([]);
  });
});
