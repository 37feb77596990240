// Token counts are whole numbers on every path that returns one: text, one message, a
// request, and the estimators — including the framing constants the message counts add.
import type { Message } from '@ctxkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLAUDE_FRAMING,
  createVocabularyTokenizer,
  estimateClaudeTokens,
  estimateTokens,
  FRAMINGS,
  VOCABULARY_IDS,
} from './index.js';

const MESSAGES: Message[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'hi', name: 'ada' },
  {
    role: 'assistant',
    content: '',
    tool_calls: [
      { id: 'c1', type: 'function', function: { name: 'read_file', arguments: { path: 'a.ts' } } },
    ],
  },
  { role: 'tool', content: 'export const a = 1;', tool_call_id: 'c1' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'look' },
      { type: 'image', mediaType: 'image/png', url: 'https://example.com/a.png', width: 333, height: 777 },
    ],
  },
  { role: 'assistant', content: 'done', reasoning: 'think 中文 😀' },
];
const TOOLS = [{ name: 'read_file', description: 'Read a file', parameters: { type: 'object' } }];

describe('integer token counts', () => {
  it('every framing constant is a whole number of tokens', () => {
    for (const [vocabulary, framing] of Object.entries(FRAMINGS)) {
      for (const [key, value] of Object.entries(framing)) {
        if (typeof value === 'number')
          expect({ vocabulary, key, value: Number.isInteger(value) }).toEqual({
            vocabulary,
            key,
            value: true,
          });
      }
    }
    for (const value of Object.values(CLAUDE_FRAMING)) expect(Number.isInteger(value)).toBe(true);
  });

  it.each(['claude', 'fallback', 'o200k_base'] as const)(
    '%s: countTokens, countMessage and countMessages return integers',
    (vocabulary) => {
      const t = createVocabularyTokenizer(vocabulary);
      for (const m of MESSAGES) expect(Number.isInteger(t.countMessage(m))).toBe(true);
      expect(Number.isInteger(t.countMessages(MESSAGES))).toBe(true);
      expect(Number.isInteger(t.countMessages(MESSAGES, { tools: TOOLS }))).toBe(true);
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
          expect(Number.isInteger(t.countTokens(text))).toBe(true);
          expect(
            Number.isInteger(
              t.countMessage({
                role: 'assistant',
                content: text,
                tool_calls: [{ id: 'x', type: 'function', function: { name: 'f', arguments: text } }],
              }),
            ),
          ).toBe(true);
        }),
        { numRuns: 50 },
      );
      t.free();
    },
  );

  it('the estimators return integers for every vocabulary', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.constantFrom(...VOCABULARY_IDS),
        (text, vocabulary) => {
          expect(Number.isInteger(estimateClaudeTokens(text))).toBe(true);
          expect(Number.isInteger(estimateTokens(text, vocabulary as never))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
