/**
 * The scripted coding session the end-to-end test replays — the
 * model reads five source files one after another, then answers. Each file
 * carries one fact (an exported constant) the final answer needs.
 */
import type { ScriptedTurn } from '@ctxkit/test-utils';

/** The files' names and the fact each one holds. */
export const FILES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'].map((name, i) => ({
  name,
  path: `src/${name}.ts`,
  constant: `${name.toUpperCase()}_RETRY_LIMIT`,
  value: 11 + i * 7,
}));

/** A deterministic ~`lines`-line TypeScript module holding one fact. */
export function sourceFile(name: string, constant: string, value: number, lines = 60): string {
  const out = [`// ${name}.ts — generated fixture`, `export const ${constant} = ${value};`, ''];
  for (let i = 0; out.length < lines; i++) {
    out.push(
      `export function ${name}Step${i}(input: readonly number[], factor = ${i + 2}): number[] {`,
      `  // Scales each reading of the ${name} pipeline (stage ${i}) and clamps it to the retry window.`,
      `  return input.map((x) => Math.min(${constant} * ${i + 1}, Math.round(x * factor + ${i})));`,
      '}',
      '',
    );
  }
  return `${out.join('\n')}\n`;
}

/** The project files of the session. */
export function sessionFiles(lines = 60): Record<string, string> {
  return Object.fromEntries(FILES.map((f) => [f.path, sourceFile(f.name, f.constant, f.value, lines)]));
}

/** The user's prompt. */
export const PROMPT = `Read ${FILES.map((f) => f.path).join(', ')} one by one and report the exported retry limit of each.`;

/** The model's scripted turns: five reads, then the answer. */
export function sessionTurns(): ScriptedTurn[] {
  return [
    ...FILES.map((f) => ({
      kind: 'tool' as const,
      calls: [{ name: 'read_file', arguments: { path: f.path } }],
    })),
    { kind: 'text', text: FILES.map((f) => `${f.path}: ${f.constant} = ${f.value}.`).join(' ') },
  ];
}
