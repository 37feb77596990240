import { groupTurns, type Message, validateConversation } from '@ctxkit/core';
import { type Op, scriptArb } from '@ctxkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  charCount,
  checkScript,
  everyTurnKeepsItsQuestion,
  isSubsequence,
  requiredTokens,
} from '../test/window-oracle.js';
import { fitToBudget } from './fit.js';
import { SlidingWindowContextManager } from './manager.js';

// 5,000 + 2,500 + 2,000 + 1,000 = 10,500 generated cases.
const deps = { Manager: SlidingWindowContextManager, fitToBudget, validateConversation };
const budgetArb = fc.constantFrom(40, 150, 600, 3_000, 30_000);
const history = (ops: Op[]): Message[] => ops.flatMap((op) => (op.kind === 'add' ? [op.message] : []));

describe('properties over generated agent histories', () => {
  it('the window: valid, within budget, pins kept, BUDGET_EXCEEDED exactly when unsatisfiable', () => {
    let outputs = 0;
    fc.assert(
      fc.property(scriptArb(40), budgetArb, fc.boolean(), (ops, budget, keepFirst) => {
        const report = checkScript(ops, budget, keepFirst, deps);
        outputs += report.outputs;
        expect(report.violations).toEqual({
          invalid: 0,
          overBudget: 0,
          lostPin: 0,
          wrongError: 0,
          shape: 0,
          mismatch: 0,
        });
      }),
      { numRuns: 5_000 },
    );
    expect(outputs).toBeGreaterThan(5_000);
  });

  it("fitToBudget 'last': valid, within budget, pins kept, throws exactly when unsatisfiable", () => {
    fc.assert(
      fc.property(scriptArb(60), budgetArb, fc.boolean(), (ops, budget, keepFirst) => {
        // A manager would refuse some of these histories midway; fitToBudget only needs the end to fit.
        const all = history(ops);
        const first = all.find((m) => m.role === 'user');
        const pinned = (m: Message) => m.pinned === true || (keepFirst && m === first);
        const needed = requiredTokens(all, pinned, charCount);
        let fit: ReturnType<typeof fitToBudget>;
        try {
          fit = fitToBudget(all, { maxTokens: budget, count: charCount, keepFirstUserMessage: keepFirst });
        } catch (error) {
          expect((error as { code?: string }).code).toBe('BUDGET_EXCEEDED');
          expect(needed).toBeGreaterThan(budget);
          return;
        }
        expect(needed).toBeLessThanOrEqual(budget);
        expect(validateConversation(fit.messages, { allowPendingCalls: true })).toEqual([]);
        expect(fit.totalTokens).toBeLessThanOrEqual(budget);
        expect(fit.totalTokens).toBe(fit.messages.reduce((s, m) => s + charCount(m), 0));
        expect(isSubsequence(fit.messages, all)).toBe(true);
        expect(fit.messages.length + fit.dropped.length).toBe(all.length);
        expect(everyTurnKeepsItsQuestion(fit.messages, all)).toBe(true);
        for (const m of all) if (m.role === 'system' || pinned(m)) expect(fit.messages).toContain(m);
        if (all.length > 0) expect(fit.messages).toContain(all.at(-1));
      }),
      { numRuns: 2_500 },
    );
  });

  it("fitToBudget 'first': valid, within budget, pins kept, a prefix of the unpinned turns", () => {
    fc.assert(
      fc.property(scriptArb(40), budgetArb, (ops, budget) => {
        const all = history(ops);
        let fit: ReturnType<typeof fitToBudget>;
        try {
          fit = fitToBudget(all, { maxTokens: budget, count: charCount, strategy: 'first' });
        } catch (error) {
          expect((error as { code?: string }).code).toBe('BUDGET_EXCEEDED');
          return;
        }
        expect(validateConversation(fit.messages, { allowPendingCalls: true })).toEqual([]);
        expect(fit.totalTokens).toBeLessThanOrEqual(budget);
        expect(isSubsequence(fit.messages, all)).toBe(true);
        expect(everyTurnKeepsItsQuestion(fit.messages, all)).toBe(true);
        for (const m of all) if (m.role === 'system' || m.pinned) expect(fit.messages).toContain(m);
        const first = all.find((m) => m.role === 'user');
        if (first) expect(fit.messages).toContain(first);
        // The unpinned groups kept form a prefix: nothing is kept after the first one left out.
        const groups = groupTurns(all);
        const held = new Set<number>();
        let head = -1;
        groups.forEach((g, i) => {
          if (g.role === 'user') head = i;
          if (g.messages.some((m) => m.role === 'system' || m.pinned || m === first)) {
            held.add(i);
            if (g.role !== 'user' && g.role !== 'system' && head >= 0) held.add(head);
          }
        });
        const kept = new Set(fit.messages);
        const flags = groups.filter((_, i) => !held.has(i)).map((g) => kept.has(g.messages[0] as Message));
        expect(flags.indexOf(false) === -1 || !flags.slice(flags.indexOf(false)).includes(true)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('groupTurns partitions any conversation into whole tool groups', () => {
    fc.assert(
      fc.property(scriptArb(40), (ops) => {
        const all = history(ops);
        const groups = groupTurns(all);
        expect(groups.flatMap((g) => g.messages)).toEqual(all);
        for (const g of groups) {
          expect(all.slice(g.start, g.end)).toEqual(g.messages);
          const calls = new Set(g.messages[0]?.tool_calls?.map((c) => c.id) ?? []);
          for (const m of g.messages.slice(1)) {
            expect(m.role).toBe('tool');
            expect(calls.has(m.tool_call_id as string)).toBe(true);
          }
          expect(g.pendingToolCallIds.length + g.messages.length - 1).toBe(calls.size);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
