import type { Message } from '@ctxkit/core';
import { createTokenizer } from '@ctxkit/tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askFacts, type RecallModel, scriptedSummary, startRecallModel } from './recall-model.js';
import { runRecall, sendEverything } from './recall-run.js';
import { recallTasks } from './recall-tasks.js';

const tokenizer = createTokenizer('openai', 'gpt-4o');
let model: RecallModel;
beforeAll(async () => {
  model = await startRecallModel({ tokenizer });
});
afterAll(() => model.close());

describe('the recall model answers from what the request shows', () => {
  it('reports a fact only when it is visible, and the latest value when it changed', async () => {
    const task = recallTasks().find((t) => t.shape === 'early-edit')!;
    const full = await askFacts(model, task.messages, task.tools, task.facts);
    expect(full.correct).toEqual([true]);
    // Without the edit call the old value is what the request shows: a wrong answer, not a lucky one.
    const noEdit = task.messages.filter(
      (m, i, all) =>
        !m.tool_calls?.some((c) => c.function.name === 'edit_file') &&
        !(m.role === 'tool' && all[i - 1]?.tool_calls?.some((c) => c.function.name === 'edit_file')),
    );
    const stale = await askFacts(model, noEdit, task.tools, task.facts);
    expect(stale.answer).toBe('RETRY_DELAY_MS = 100');
    // Without any mention the model does not know.
    const blind: Message[] = [task.messages[0]!, task.messages[task.messages.length - 1]!];
    expect((await askFacts(model, blind, task.tools, task.facts)).answer).toBe('RETRY_DELAY_MS = unknown');
  });

  it('rejects a request over its window, as a real server does', async () => {
    const task = recallTasks()[0]!;
    const r = await runRecall(task, model, 4096, sendEverything, tokenizer);
    expect(r.fits).toBe(false);
    expect(r.recalled).toBe(0);
    const big = await runRecall(task, model, 32_768, sendEverything, tokenizer);
    expect(big).toMatchObject({ fits: true, recalled: task.facts.length, compactions: 0 });
  });

  it('the scripted summarizer keeps fact-bearing lines within its budget', () => {
    const prompt = `<transcript>\n[user] hello\n  12\texport const A_LIMIT = 5;\nnoise line\n[calls edit_file] path: x.ts\n</transcript>`;
    const s = scriptedSummary(prompt, 200, tokenizer);
    expect(s).toContain('export const A_LIMIT = 5;');
    expect(s).toContain('[calls edit_file] path: x.ts');
    expect(s).not.toContain('noise line');
    expect(tokenizer.countTokens(scriptedSummary(prompt, 12, tokenizer))).toBeLessThanOrEqual(14);
  });
});
