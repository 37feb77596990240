import type { Message } from '@ctxkit/core';
import { callMessage, toolResult } from '@ctxkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  emptyLedger,
  ensureLedger,
  extractLedger,
  type Ledger,
  ledgerItems,
  mergeLedgers,
} from './ledger.js';

describe('extractLedger', () => {
  const history: Message[] = [
    {
      role: 'user',
      content: 'Add retries to the client. Never edit generated files. Tests must pass on Node 20.',
    },
    callMessage(['1'], { name: 'Read', arguments: JSON.stringify({ file_path: '/repo/src/client.ts' }) }),
    toolResult('1', 'export class Client {}'),
    callMessage(['2'], {
      name: 'Edit',
      arguments: JSON.stringify({ file_path: '/repo/src/client.ts', old_string: 'a', new_string: 'b' }),
    }),
    toolResult('2', 'The file /repo/src/client.ts has been updated successfully.'),
    callMessage(['3'], {
      name: 'Write',
      arguments: JSON.stringify({ file_path: '/repo/src/retry.ts', content: 'export {}' }),
    }),
    toolResult('3', 'File created successfully'),
    callMessage(['4'], {
      name: 'Bash',
      arguments: JSON.stringify({ command: 'npm test -- --run\necho done' }),
    }),
    toolResult(
      '4',
      'Error: Exit code 1\nFAIL src/client.test.ts\nTypeError: fetch is not a function\n    at Client.get (src/client.ts:3:5)',
    ),
    callMessage(['5'], { name: 'exec_command', arguments: JSON.stringify({ cmd: 'git status --short' }) }),
    toolResult('5', 'Chunk ID: 1\nProcess exited with code 0\nOutput:\n M src/client.ts'),
    callMessage(['6'], {
      name: 'TodoWrite',
      arguments: JSON.stringify({
        todos: [
          { content: 'Add retries', status: 'completed' },
          { content: 'Document the retry option', status: 'pending' },
          { content: 'Run the full suite', status: 'in_progress' },
        ],
      }),
    }),
    toolResult('6', 'Todos have been modified successfully.'),
    callMessage(['7'], { name: 'Read', arguments: JSON.stringify({ file_path: '/repo/missing.ts' }) }),
    toolResult('7', '<tool_use_error>File does not exist.</tool_use_error>'),
  ];
  const ledger = extractLedger(history);

  it('records files with what was done to them', () => {
    expect(ledger.files).toEqual([
      { path: '/repo/src/client.ts', ops: ['edit', 'read'] },
      { path: '/repo/src/retry.ts', ops: ['write'] },
      { path: '/repo/missing.ts', ops: ['read'] },
    ]);
  });

  it('records commands (first line) with the exit codes their outputs report', () => {
    expect(ledger.commands).toEqual([
      { command: 'npm test -- --run', exitCode: 1 },
      { command: 'git status --short', exitCode: 0 },
    ]);
  });

  it('keeps exact error lines from command output, not from file reads of code', () => {
    expect(ledger.errors).toEqual([
      'FAIL src/client.test.ts',
      'TypeError: fetch is not a function',
      '<tool_use_error>File does not exist.</tool_use_error>',
    ]);
  });

  it("keeps the user's constraints and the open todos", () => {
    expect(ledger.constraints).toEqual(['Never edit generated files.', 'Tests must pass on Node 20.']);
    expect(ledger.todos).toEqual(['Document the retry option', 'Run the full suite']);
  });

  it('merges: files united, newer todo list wins, caps drop the oldest successful commands first', () => {
    const older: Ledger = {
      ...emptyLedger(),
      files: [{ path: 'a.ts', ops: ['read'] }],
      commands: [
        { command: 'ok1', exitCode: 0 },
        { command: 'bad', exitCode: 2 },
      ],
      todos: ['old todo'],
    };
    const newer: Ledger = {
      ...emptyLedger(),
      files: [{ path: 'a.ts', ops: ['edit'] }],
      commands: [{ command: 'ok2', exitCode: 0 }],
      todos: ['new todo'],
    };
    const merged = mergeLedgers(older, newer, { commands: 2 });
    expect(merged.files).toEqual([{ path: 'a.ts', ops: ['edit', 'read'] }]);
    expect(merged.commands.map((c) => c.command)).toEqual(['bad', 'ok2']);
    expect(merged.omitted).toBe(1);
    expect(merged.todos).toEqual(['new todo']);
  });
});

describe('ensureLedger', () => {
  const item = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0);
  const ledgerArb = fc.record({
    files: fc.array(
      fc.record({ path: item, ops: fc.subarray(['edit', 'read', 'write'] as const, { minLength: 1 }) }),
      { maxLength: 5 },
    ),
    commands: fc.array(
      fc.record({ command: item, exitCode: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }) }),
      { maxLength: 5 },
    ),
    errors: fc.array(item, { maxLength: 5 }),
    constraints: fc.array(item, { maxLength: 5 }),
    todos: fc.array(item, { maxLength: 5 }),
    omitted: fc.constant(0),
  });

  it('the result contains every ledger item and starts with the summary', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), ledgerArb, (summary, ledger) => {
        const out = ensureLedger(summary, ledger as Ledger);
        for (const i of ledgerItems(ledger as Ledger)) expect(out).toContain(i);
        expect(out.startsWith(summary.trimEnd())).toBe(true);
      }),
    );
  });

  it('adds nothing when the summary already has every item', () => {
    const l: Ledger = { ...emptyLedger(), files: [{ path: 'src/x.ts', ops: ['edit'] }], errors: ['E1'] };
    expect(ensureLedger('Edited src/x.ts after E1.', l)).toBe('Edited src/x.ts after E1.');
    expect(ensureLedger('Edited it.', l)).toContain('## Facts');
  });
});
