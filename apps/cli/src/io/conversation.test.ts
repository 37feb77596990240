import {
  fromAnthropic,
  fromNanocoder,
  fromOpenAIChat,
  toAnthropic,
  toNanocoder,
  toOpenAIChat,
} from '@ctxkit/core';
import { loadTranscripts } from '@ctxkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toClaudeCodeLog } from '../../test/claude-code-log.js';
import { parseConversation } from './conversation.js';

const transcripts = loadTranscripts();
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n');

describe('parseConversation on the real transcripts', () => {
  it('reads our JSONL shape back unchanged', () => {
    for (const t of transcripts) {
      const parsed = parseConversation(jsonl(t.messages));
      expect(parsed.format, t.name).toBe('ctxkit-jsonl');
      expect(parsed.messages, t.name).toEqual(t.messages);
      expect(parsed.skipped).toEqual([]);
    }
  });

  it('detects OpenAI chat JSON (array and request body) and converts it', () => {
    for (const t of transcripts) {
      const wire = toOpenAIChat(t.messages);
      const expected = fromOpenAIChat(wire);
      const body = parseConversation(JSON.stringify({ model: 'gpt-4o', messages: wire }, null, 2));
      expect(body.format, t.name).toBe('openai-json');
      expect(body.model).toBe('gpt-4o');
      expect(body.messages, t.name).toEqual(expected);
      const array = parseConversation(JSON.stringify(wire));
      expect(['openai-json', 'ctxkit-json'], t.name).toContain(array.format);
      expect(array.messages, t.name).toEqual(expected);
    }
  });

  it("detects Nanocoder's message JSON (object arguments) and converts it", () => {
    const withCalls = transcripts.filter((t) => t.messages.some((m) => m.tool_calls?.length));
    expect(withCalls.length).toBeGreaterThan(0);
    for (const t of withCalls) {
      const wire = toNanocoder(t.messages);
      const parsed = parseConversation(JSON.stringify(wire));
      expect(parsed.format, t.name).toBe('nanocoder-json');
      expect(parsed.messages, t.name).toEqual(fromNanocoder(wire));
    }
  });

  it('reads Claude Code session logs: merges streamed lines, drops thinking, sidechains and bookkeeping', () => {
    const claude = transcripts.filter((t) => t.name.startsWith('claude-code__'));
    expect(claude.length).toBeGreaterThan(0);
    for (const t of claude) {
      const parsed = parseConversation(toClaudeCodeLog(t.messages));
      expect(parsed.format, t.name).toBe('claude-code-jsonl');
      expect(parsed.model).toBe('claude-opus-4-6');
      const expected = fromAnthropic({ messages: toAnthropic(t.messages).messages });
      expect(parsed.messages, t.name).toEqual(expected);
      expect(parsed.skipped).toEqual([]);
      const assistants = expected.filter((m) => m.role === 'assistant').length;
      expect(parsed.usage?.length).toBe(assistants);
      for (const u of parsed.usage ?? []) expect(parsed.messages[u.messageIndex]?.role).toBe('assistant');
    }
  });
});

describe('malformed input', () => {
  const sample = transcripts.find((t) => t.messages.length >= 8)!;

  it('skips and counts garbage lines with their exact line numbers; strict fails on the first', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: sample.messages.length }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('{"role": "user", "content": ', 'not json at all', '{"role":"wizard","content":"x"}'),
        (positions, garbage) => {
          const lines = sample.messages.map((m) => JSON.stringify(m));
          const sorted = [...positions].sort((a, b) => a - b);
          // Insert from the end so earlier positions stay put; record the 1-based line of each insert.
          for (const p of [...sorted].reverse()) lines.splice(p, 0, garbage);
          const expectedLines = sorted.map((p, k) => p + k + 1);
          const parsed = parseConversation(lines.join('\n'));
          expect(parsed.messages).toEqual(sample.messages);
          expect(parsed.skipped.map((s) => s.line)).toEqual(expectedLines);
          expect(() => parseConversation(lines.join('\n'), { strict: true })).toThrow(
            new RegExp(`line ${expectedLines[0]}:`),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('rejects empty input and input with no messages', () => {
    expect(() => parseConversation('  \n\n')).toThrow(/empty/);
    expect(() => parseConversation('garbage\nmore garbage')).toThrow(/no JSON found.*line 1/);
    expect(() => parseConversation('{"hello":1}')).toThrow(/no messages found/);
  });
});
