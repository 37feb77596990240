import { isCtxkitError, type Message, messageText, validateConversation, visibleText } from '@ctxkit/core';
import { createTokenizer } from '@ctxkit/tokenizers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latestUserIndex } from '../test/protected-floor.js';
import { ContextCompressor } from './compressor.js';
import { ledgerItems } from './ledger.js';
import { restoreOriginals, unwrapOriginal } from './summary-message.js';

const tokenizer = createTokenizer('openai', 'gpt-4o');
const WORDS = [
  'the',
  'parser',
  'fails',
  'on',
  'nested',
  'input',
  'we',
  'must',
  'never',
  'retry',
  'build',
  'src/a.ts',
  'error:',
  'ok',
];
const text = (min: number, max: number) =>
  fc.array(fc.constantFrom(...WORDS), { minLength: min, maxLength: max }).map((w) => w.join(' '));

type Unit = Message[];
const userUnit = fc
  .record({ t: text(1, 30), pinned: fc.integer({ min: 0, max: 5 }).map((n) => n === 0) })
  .map(
    ({ t, pinned }): Unit => [
      pinned ? { role: 'user', content: t, pinned: true } : { role: 'user', content: t },
    ],
  );
const textUnit = text(1, 60).map((t): Unit => [{ role: 'assistant', content: t }]);
const toolUnit = fc
  .record({
    say: text(0, 10),
    calls: fc.array(
      fc.record({
        tool: fc.constantFrom('Read', 'Bash', 'Edit'),
        file: fc.constantFrom('/r/a.ts', '/r/b.ts', '/r/c.ts'),
        out: text(0, 300),
        exit: fc.integer({ min: 0, max: 2 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(({ say, calls }): Unit => {
    const ids = calls.map(() => `c${Math.random().toString(36).slice(2, 10)}`);
    return [
      {
        role: 'assistant',
        content: say,
        tool_calls: calls.map((c, k) => ({
          id: ids[k]!,
          type: 'function' as const,
          function: {
            name: c.tool,
            arguments: JSON.stringify(
              c.tool === 'Bash' ? { command: `make ${c.file}` } : { file_path: c.file },
            ),
          },
        })),
      },
      ...calls.map(
        (c, k): Message => ({
          role: 'tool',
          tool_call_id: ids[k]!,
          content: c.tool === 'Bash' ? `Exit code ${c.exit}\n${c.out}` : c.out,
        }),
      ),
    ];
  });

const conversation = fc
  .record({
    system: fc.boolean(),
    task: text(1, 40),
    units: fc.array(fc.oneof(userUnit, textUnit, toolUnit, toolUnit), { minLength: 1, maxLength: 25 }),
  })
  .map(({ system, task, units }): Message[] => [
    ...(system ? [{ role: 'system' as const, content: 'You are a careful coding agent.' }] : []),
    { role: 'user', content: task },
    ...units.flat(),
  ]);

describe('ContextCompressor properties on generated conversations', () => {
  it('every result is valid, fits, keeps pins and user anchors and all ledger facts — or fails loudly', async () => {
    const outcomes = { compressed: 0, refused: 0, summarized: 0, dropped: 0, elided: 0 };
    await fc.assert(
      fc.asyncProperty(
        conversation,
        fc.double({ min: 0.45, max: 1.3, noNaN: true }),
        async (input, share) => {
          const before = tokenizer.countMessages(input);
          const contextLimit = Math.max(50, Math.ceil(before * share));
          const compressor = new ContextCompressor({ reserveTokens: 0, maxAttempts: 1 });
          let r: Awaited<ReturnType<ContextCompressor['compress']>>;
          try {
            r = await compressor.compress(input, { contextLimit, tokenizer, force: true });
          } catch (error) {
            expect(isCtxkitError(error, 'BUDGET_EXCEEDED')).toBe(true);
            outcomes.refused++;
            return;
          }
          outcomes.compressed++;
          if (r.steps.some((s) => s.kind === 'fallback-summary')) outcomes.summarized++;
          if (r.steps.some((s) => s.kind === 'drop')) outcomes.dropped++;
          expect(validateConversation(r.messages)).toEqual([]);
          expect(r.after).toBeLessThanOrEqual(contextLimit);
          expect(r.after).toBeLessThanOrEqual(r.before);
          expect(tokenizer.countMessages(r.messages)).toBe(r.after);
          const kept = (m: Message) => m.role === 'system' || m.pinned === true;
          expect(r.messages.filter(kept)).toEqual(input.filter(kept));
          // The anchors word for word — unless the window was too small for them (then elided, and said so).
          const elided = r.steps.some((s) => s.kind === 'elide');
          if (elided) outcomes.elided++;
          const anchors = [
            [r.messages.find((m) => m.role === 'user'), input[input.findIndex((m) => m.role === 'user')]],
            [r.messages[latestUserIndex(r.messages)], input[latestUserIndex(input)]],
          ];
          for (const [got, want] of anchors) {
            if (elided && got && want && messageText(got) !== messageText(want)) {
              expect(messageText(got)).toMatch(/\[ctxkit: \d+ characters elided/);
              expect(unwrapOriginal(got)).toEqual(want);
            } else expect(got).toEqual(want);
          }
          const visible = visibleText(r.messages);
          for (const item of ledgerItems(r.ledger)) expect(visible).toContain(item);
          expect(restoreOriginals(r.messages)).toEqual(input);
        },
      ),
      { numRuns: 60 },
    );
    // The generator reaches the interesting paths, not only refusals.
    expect(outcomes.compressed).toBeGreaterThan(20);
    expect(outcomes.summarized).toBeGreaterThan(0);
  });
});
