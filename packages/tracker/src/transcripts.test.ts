import { loadTranscripts } from '@ctxkit/test-utils';
import { describe, expect, it } from 'vitest';
import { normalizeUsage } from './normalize/index.js';
import { MemoryUsageStore } from './store/memory.js';
import { TokenUsageTracker } from './tracker.js';

const withUsage = loadTranscripts().filter((t) => t.usage && t.usage.length > 0);

describe('replaying the provider usage sidecars', () => {
  it('has sidecars to replay', () => {
    expect(withUsage.length).toBeGreaterThan(0);
  });

  it.each(withUsage.map((t) => [t.name, t] as const))(
    '%s: per-call prompt and output match the sidecar',
    (_, t) => {
      for (const record of t.usage!) {
        const n = normalizeUsage('auto', record.raw);
        expect(n.usage.inputTokens).toBe(record.prompt_tokens);
        // Gemini CLI's recorded output excludes thoughts; ours includes them as reasoning.
        expect(n.usage.outputTokens - (t.name.startsWith('gemini-cli') ? n.usage.reasoningTokens : 0)).toBe(
          record.output_tokens,
        );
        const total = record.raw.total ?? record.raw.total_tokens;
        if (total !== undefined) expect(n.usage.inputTokens + n.usage.outputTokens).toBe(total);
      }
    },
  );

  it('the tracker reproduces every sidecar total exactly (no cache double counting)', async () => {
    const store = new MemoryUsageStore();
    const tracker = new TokenUsageTracker({ store, now: () => new Date('2026-01-01T00:00:00Z') });
    let prompt = 0;
    let output = 0;
    let cacheRead = 0;
    let cacheWrite = 0;
    for (const t of withUsage) {
      tracker.startSession({ provider: 'auto', model: t.name.split('__')[0]!, sessionId: t.name });
      for (const record of t.usage!) {
        await tracker.record(record.raw, { shape: 'auto', id: `${t.name}#${record.message_index}` });
        prompt += record.prompt_tokens;
        output += record.output_tokens + (t.name.startsWith('gemini-cli') ? (record.raw.thoughts ?? 0) : 0);
        cacheRead +=
          record.raw.cache_read_input_tokens ?? record.raw.cached_input_tokens ?? record.raw.cached ?? 0;
        cacheWrite += record.raw.cache_creation_input_tokens ?? 0;
      }
      const session = tracker.getCurrentUsage();
      const sidecarPrompt = t.usage!.reduce((s, r) => s + r.prompt_tokens, 0);
      expect(session.totals.inputTokens).toBe(sidecarPrompt);
    }
    await tracker.endSession();
    const report = await tracker.report({ groupBy: 'session' });
    expect(report.totals.calls).toBe(withUsage.reduce((s, t) => s + t.usage!.length, 0));
    expect(report.totals.inputTokens).toBe(prompt);
    expect(report.totals.outputTokens).toBe(output);
    expect(report.totals.cachedInputTokens).toBe(cacheRead);
    expect(report.totals.cacheWriteTokens).toBe(cacheWrite);
    for (const group of report.groups) {
      const t = withUsage.find((x) => x.name === group.key)!;
      expect(group.totals.inputTokens).toBe(t.usage!.reduce((s, r) => s + r.prompt_tokens, 0));
    }
  });
});
