import type { Message } from '@ctxkit/core';
import { loadTranscripts } from '@ctxkit/test-utils';
import { describe, expect, it } from 'vitest';
import { memoizedO200kCount } from '../test/o200k-count.js';
import { emptyFigures, replay } from '../test/replay.js';
import { charCount } from '../test/window-oracle.js';

const transcripts = loadTranscripts();
const LIMITS = [8_000, 32_000, 128_000];

// js-tiktoken is slow on large texts: count each message once for all three limits.
const exact = memoizedO200kCount();

describe.each([
  ['exact o200k_base counts (js-tiktoken)', exact],
  ['the character estimate', charCount],
])('replaying every transcript with %s', (_name, count) => {
  it.each(LIMITS)('at %i tokens: 0 over-budget outputs, 0 validation problems, pins kept', (limit) => {
    const figures = emptyFigures();
    for (const t of transcripts) replay(t.messages, limit, count, figures);
    expect(figures.transcripts).toBe(transcripts.length);
    expect(figures.outputsChecked).toBeGreaterThanOrEqual(figures.messagesAdded);
    expect({
      overBudget: figures.overBudget,
      validationProblems: figures.validationProblems,
      lostPins: figures.lostPins,
      wrongErrors: figures.wrongErrors,
    }).toEqual({ overBudget: 0, validationProblems: 0, lostPins: 0, wrongErrors: 0 });
    // Refusals are checked against the oracle (wrongErrors); a replay stops only when the transcript's
    // own newest turn cannot fit the limit even truncated (a 7.9k-token tool call at 8k, for one).
    expect(figures.stopped).toBeLessThanOrEqual(figures.refused);
    // The limit binds wherever a session is longer than it: then something must have been evicted.
    const longest = Math.max(
      ...transcripts.map((t) => t.messages.reduce((sum: number, m: Message) => sum + count(m), 0)),
    );
    if (longest > limit) expect(figures.evicted).toBeGreaterThan(0);
  });
});
