// Agent sessions of several shapes whose last user
// message asks for facts stated once, early, in one place. The recall model
// (recall-model.ts) answers from what the request it receives still shows.

import type { Message, ToolDefinition } from '@ctxkit/core';
import { mulberry32 } from '@ctxkit/test-utils';

/** A fact the final question asks for. */
export interface RecallFact {
  /** `value` — the value assigned to `key` (`KEY = value` / `KEY: value`); `error` — the location of the build error. */
  kind: 'value' | 'error';
  /** The constant's name, or `build error`. */
  key: string;
  /** The right answer. */
  value: string;
}

/** One scripted agent session: its messages (the last is the user's question), tools and facts. */
export interface RecallTask {
  name: string;
  shape: 'file-reads' | 'build-log' | 'early-constraint' | 'early-edit';
  messages: Message[];
  tools: ToolDefinition[];
  facts: RecallFact[];
}

/** Tools of a small coding agent, as an agent sends them with every request. */
export const RECALL_TOOLS: ToolDefinition[] = [
  {
    name: 'read_file',
    description: 'Read a file from the workspace and return its content with line numbers.',
    parameters: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'Path relative to the workspace root' },
        offset: { type: 'number', description: 'First line to read (1-based)' },
        limit: { type: 'number', description: 'Number of lines to read' },
      },
      required: ['path'],
    },
  },
  {
    name: 'edit_file',
    description: 'Replace an exact string in a file with another string.',
    parameters: {
      type: 'object',
      properties: {
        path: { type: 'string' },
        old_string: { type: 'string', description: 'Exact text to replace' },
        new_string: { type: 'string', description: 'Replacement text' },
      },
      required: ['path', 'old_string', 'new_string'],
    },
  },
  {
    name: 'execute_bash',
    description: 'Run a shell command in the workspace and return its output and exit code.',
    parameters: {
      type: 'object',
      properties: { command: { type: 'string', description: 'The command line to run' } },
      required: ['command'],
    },
  },
  {
    name: 'search_files',
    description: 'Search file contents with a regular expression; returns matching lines with paths.',
    parameters: {
      type: 'object',
      properties: { pattern: { type: 'string' }, path: { type: 'string' } },
      required: ['pattern'],
    },
  },
];

const SYSTEM = `You are a coding agent working in a TypeScript repository. Use the tools to read files, run commands and edit code.
Rules:
- Read a file before editing it; make the smallest change that solves the task.
- Run the tests after every change and report failures with their exact messages.
- Never invent file contents, command outputs or values: answer from what you have seen.
- Keep answers short; quote exact identifiers, paths and numbers.
- When the user asks for values, give each as NAME = value.`;

const WORDS = [
  'request',
  'record',
  'entry',
  'payload',
  'account',
  'invoice',
  'session',
  'token',
  'batch',
  'queue',
  'report',
  'policy',
  'window',
  'event',
  'handler',
  'buffer',
];

function pickWord(r: () => number): string {
  return WORDS[Math.floor(r() * WORDS.length)]!;
}

function camel(a: string, b: string): string {
  return a + b[0]!.toUpperCase() + b.slice(1);
}

/** A plausible TypeScript module of about `functions` × 9 lines holding one exported constant. */
export function sourceFile(seed: number, constant: string, value: string, functions = 12): string {
  const r = mulberry32(seed);
  const lines = [
    `import { readFile } from 'node:fs/promises';`,
    `import type { Logger } from '../logger.js';`,
    '',
    `export interface ${camel('the', pickWord(r)).slice(3)}Options {`,
    `  retries: number;`,
    `  logger?: Logger;`,
    '}',
    '',
  ];
  const at = Math.floor(functions / 2);
  for (let f = 0; f < functions; f++) {
    if (f === at) lines.push(`export const ${constant} = ${value};`, '');
    const name = camel(pickWord(r), pickWord(r));
    const arg = pickWord(r);
    lines.push(
      `export async function ${name}${f}(${arg}: string, options: { retries: number }): Promise<number> {`,
      `  const raw = await readFile(${arg}, 'utf8');`,
      `  let total = 0;`,
      `  for (const line of raw.split('\\n')) {`,
      `    if (line.startsWith('${pickWord(r)}')) total += line.length * options.retries;`,
      '  }',
      `  return total % ${Math.floor(r() * 900 + 100)};`,
      '}',
      '',
    );
  }
  return lines.map((l, i) => `${String(i + 1).padStart(4)}\t${l}`).join('\n');
}

let callSeq = 0;
function call(name: string, args: Record<string, unknown>): { id: string; message: Message } {
  const id = `call_${++callSeq}`;
  return {
    id,
    message: {
      role: 'assistant',
      content: '',
      tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }],
    },
  };
}

function step(name: string, args: Record<string, unknown>, result: string, say = ''): Message[] {
  const c = call(name, args);
  if (say) c.message.content = say;
  return [c.message, { role: 'tool', tool_call_id: c.id, content: result }];
}

function factValue(seed: number): string {
  return String(1000 + Math.floor(mulberry32(seed)() * 9000));
}

/** A long but green test run (many passing lines), `lines` long. */
function passingLog(seed: number, lines: number): string {
  const r = mulberry32(seed);
  const out = ['> vitest run', ''];
  for (let i = 0; i < lines; i++) {
    out.push(
      ` ✓ src/${pickWord(r)}/${pickWord(r)}.test.ts > ${pickWord(r)} ${pickWord(r)} handles ${pickWord(r)} (${Math.floor(r() * 40)} ms)`,
    );
  }
  out.push('', ` Test Files  ${lines} passed (${lines})`, '', 'Process exited with code 0');
  return out.join('\n');
}

function question(facts: RecallFact[]): Message {
  const asks = facts.map((f) => (f.kind === 'value' ? `value of ${f.key}` : 'location of the build error'));
  return { role: 'user', content: `Before we go on, answer each of these exactly: ${asks.join('; ')}.` };
}

/** Eight file reads, one constant each; the question asks all eight. */
function fileReadsTask(): RecallTask {
  const names = ['audit', 'billing', 'cache', 'dispatch', 'export', 'filters', 'gateway', 'history'];
  const facts: RecallFact[] = names.map((n, i) => ({
    kind: 'value',
    key: `${n.toUpperCase()}_LIMIT`,
    value: factValue(17 + i),
  }));
  const messages: Message[] = [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content:
        'Read every module under src/ (audit, billing, cache, dispatch, export, filters, gateway, history) one by one; I will ask about their limits afterwards.',
    },
  ];
  names.forEach((n, i) => {
    messages.push(
      ...step('read_file', { path: `src/${n}.ts` }, sourceFile(100 + i, facts[i]!.key, facts[i]!.value)),
    );
  });
  messages.push({ role: 'assistant', content: 'I have read all eight modules.' }, question(facts));
  return { name: 'eight file reads', shape: 'file-reads', messages, tools: RECALL_TOOLS, facts };
}

/** A build whose long log has one error line, then more work. */
function buildLogTask(): RecallTask {
  const r = mulberry32(5);
  const log: string[] = ['> tsc -p tsconfig.build.json && tsup', ''];
  for (let i = 0; i < 260; i++) {
    log.push(`[build] compiled src/${pickWord(r)}/${pickWord(r)}-${i}.ts (${Math.floor(r() * 90) + 1} kB)`);
    if (i === 131)
      log.push(
        `src/billing/invoice.ts(88,14): error TS2322: Type 'string' is not assignable to type 'number'.`,
      );
  }
  log.push('', 'Found 1 error.', '', 'Process exited with code 2');
  const facts: RecallFact[] = [
    { kind: 'error', key: 'build error', value: 'src/billing/invoice.ts(88,14)' },
    { kind: 'value', key: 'TAX_ROUNDING', value: factValue(41) },
  ];
  const messages: Message[] = [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: 'The release build is broken. Find out why, but do not fix anything yet.' },
    ...step('read_file', { path: 'src/billing/tax.ts' }, sourceFile(7, 'TAX_ROUNDING', facts[1]!.value)),
    ...step('execute_bash', { command: 'npm run build' }, log.join('\n'), 'Running the build.'),
    ...step('execute_bash', { command: 'npm test' }, passingLog(9, 160), 'The tests first.'),
    ...step('read_file', { path: 'src/billing/currency.ts' }, sourceFile(8, 'CURRENCY_SCALE', factValue(3))),
    { role: 'assistant', content: 'I looked at the build output, the tests and the billing code.' },
    question(facts),
  ];
  return { name: 'build log with one error', shape: 'build-log', messages, tools: RECALL_TOOLS, facts };
}

/** A constraint the user states once, first thing, then a long exploration. */
function constraintTask(): RecallTask {
  const facts: RecallFact[] = [{ kind: 'value', key: 'RELEASE_TAG', value: 'v4.12.7-rc2' }];
  const messages: Message[] = [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: 'Prepare the release notes from the modules below.',
    },
    { role: 'assistant', content: 'Sure. Any constraints?' },
    {
      role: 'user',
      content: `Yes: you must tag the release as RELEASE_TAG = ${facts[0]!.value} and never push to main.`,
    },
  ];
  for (let i = 0; i < 9; i++) {
    messages.push(
      ...step(
        'read_file',
        { path: `src/notes/part${i}.ts` },
        sourceFile(300 + i, `PART${i}_WEIGHT`, factValue(60 + i)),
      ),
    );
  }
  messages.push(...step('execute_bash', { command: 'npm test' }, passingLog(11, 120)));
  messages.push({ role: 'assistant', content: 'The notes are drafted.' }, question(facts));
  return {
    name: 'constraint stated once early',
    shape: 'early-constraint',
    messages,
    tools: RECALL_TOOLS,
    facts,
  };
}

/** An edit made early, referred to at the end. */
function editTask(): RecallTask {
  const facts: RecallFact[] = [{ kind: 'value', key: 'RETRY_DELAY_MS', value: '250' }];
  const file = sourceFile(21, 'RETRY_DELAY_MS', '100');
  const messages: Message[] = [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content:
        'Retries hammer the API. Raise the retry delay in src/net/retry.ts to 250 ms, then check the other clients.',
    },
    ...step('read_file', { path: 'src/net/retry.ts' }, file),
    ...step(
      'edit_file',
      {
        path: 'src/net/retry.ts',
        old_string: 'export const RETRY_DELAY_MS = 100;',
        new_string: 'export const RETRY_DELAY_MS = 250;',
      },
      'The file src/net/retry.ts has been updated.',
    ),
  ];
  for (let i = 0; i < 8; i++) {
    messages.push(
      ...step(
        'read_file',
        { path: `src/net/client${i}.ts` },
        sourceFile(400 + i, `CLIENT${i}_TIMEOUT`, factValue(80 + i)),
      ),
    );
  }
  messages.push(...step('execute_bash', { command: 'npm test' }, passingLog(13, 100)));
  messages.push({ role: 'assistant', content: 'The other clients use their own timeouts.' }, question(facts));
  return { name: 'edit early, asked late', shape: 'early-edit', messages, tools: RECALL_TOOLS, facts };
}

/** The four task shapes, built fresh (callers may edit them). */
export function recallTasks(): RecallTask[] {
  callSeq = 0;
  return [fileReadsTask(), buildLogTask(), constraintTask(), editTask()];
}
