import { loadTranscripts, transcriptDir } from '@ctxkit/test-utils';
import { describe, expect, it } from 'vitest';
import { claudeSpans, type Span } from '../../scripts/lib/claude-spans.js';
import { claude2Counter } from '../../scripts/lib/reference.js';
import { CLAUDE_FRAMING, estimateClaudeTokens } from './index.js';

const spans = claudeSpans(loadTranscripts(), transcriptDir()).filter((s) => s.split === 'test');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const ours = (s: Span) =>
  s.texts.reduce((sum, t) => sum + estimateClaudeTokens(t), 0) +
  CLAUDE_FRAMING.perMessage * s.messages +
  CLAUDE_FRAMING.perToolCall * s.toolCalls +
  CLAUDE_FRAMING.perToolResult * s.toolResults;
const claude2 = (s: Span) => s.texts.reduce((sum, t) => sum + claude2Counter(t), 0);
const chars4 = (s: Span) => s.texts.reduce((sum, t) => sum + t.length, 0) / 4;
const err = (set: Span[], f: (s: Span) => number) =>
  median(set.map((s) => Math.abs(f(s) - s.actual) / s.actual));

describe('estimateClaudeTokens on held-out provider usage', () => {
  it('has held-out spans to check', () => {
    expect(spans.length).toBeGreaterThan(0);
  });

  it('beats the raw Claude-2 tokenizer and chars/4 on every model', () => {
    for (const model of new Set(spans.map((s) => s.model))) {
      const set = spans.filter((s) => s.model === model);
      expect(err(set, ours)).toBeLessThan(err(set, claude2));
      expect(err(set, ours)).toBeLessThan(err(set, chars4));
    }
  });

  it('median error ≤ 5 % on spans over 2,000 tokens, per model with ≥ 5 such spans', () => {
    for (const model of new Set(spans.map((s) => s.model))) {
      const big = spans.filter((s) => s.model === model && s.actual > 2000);
      if (big.length >= 5) expect(err(big, ours)).toBeLessThanOrEqual(0.05);
    }
  });

  it('framing constants are finite and non-negative', () => {
    for (const v of Object.values(CLAUDE_FRAMING)) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
    }
  });
});
