// End-to-end: spawns the BUILT binary (dist/cli.js), as a user's shell would.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTranscripts, REPO_ROOT } from '../../../test-support/transcripts.js';

const BIN = resolve(import.meta.dirname, '../dist/cli.js');
const EMBEDDED = resolve(import.meta.dirname, '../data/claude-code__codemie__session-196820da.jsonl');
let tmp: string;

/** Runs the built CLI; never inherits a TTY, so output must be plain. */
function ctxkit(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    input: input ?? '',
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '' },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;
const ANSI = /\u001b\[/;

beforeAll(() => {
  // turbo builds the workspace dependencies first (dependsOn ^build), cached when unchanged.
  execFileSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=ctxkit', '--output-logs=errors-only'], {
    cwd: REPO_ROOT,
    stdio: 'pipe',
  });
  tmp = mkdtempSync(join(tmpdir(), 'ctxkit-cli-'));
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('ctxkit command line conventions', () => {
  it('has --help and --json on every command, exit 0', () => {
    const top = ctxkit(['--help']);
    expect(top.code).toBe(0);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z]+) /gm)]
      .map((m) => m[1]!)
      .filter((c) => c !== 'help');
    expect(commands).toContain('validate');
    for (const c of commands) {
      const help = ctxkit([c, '--help']);
      expect(help.code, c).toBe(0);
      expect(help.stdout, c).toContain(`Usage: ctxkit ${c}`);
      expect(help.stdout, c).toContain('--json');
    }
    for (const sub of ['report', 'sessions', 'export', 'import']) {
      const help = ctxkit(['usage', sub, '--help']);
      expect(help.code, sub).toBe(0);
      expect(help.stdout, sub).toContain('--json');
    }
  });

  it('exits 1 on usage errors, with a hint and no stack trace', () => {
    for (const args of [['frobnicate'], ['validate'], ['validate', 'x.jsonl', '--bogus']]) {
      const r = ctxkit(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/error:/);
      expect(r.stderr).not.toMatch(STACK_LINE);
    }
    const json = ctxkit(['validate', '--json', '--bogus', 'x']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error.code).toBe('USAGE');
  });

  it('prints no colour codes when not on a TTY', () => {
    const r = ctxkit(['validate', EMBEDDED]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
    expect(r.stderr).not.toMatch(ANSI);
  });
});

describe('bad input: a clear message and exit code 2, never a stack trace', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['missing file', () => ['validate', join(tmp, 'nope.jsonl')], /file not found: .*nope\.jsonl/],
    ['directory', () => ['validate', tmp], /is a directory/],
    ['binary file', () => ['validate', process.execPath], /binary file/],
    [
      'empty file',
      () => {
        writeFileSync(join(tmp, 'empty.jsonl'), '\n  \n');
        return ['validate', join(tmp, 'empty.jsonl')];
      },
      /is empty/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(name, () => {
      const r = ctxkit(args());
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(STACK_LINE);
      const json = ctxkit([...args(), '--json']);
      expect(json.code).toBe(2);
      expect(JSON.parse(json.stdout).error.message).toMatch(message);
    });
  }

  it('empty standard input', () => {
    const r = ctxkit(['validate', '-'], '');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/standard input is empty/);
  });

  it('a malformed JSONL line: skipped and counted by default, fatal with --strict, line number reported', () => {
    const t = loadTranscripts().find((x) => x.messages.length >= 6)!;
    const lines = t.messages.map((m) => JSON.stringify(m));
    lines.splice(3, 0, '{"role":"user","content":"torn');
    const file = join(tmp, 'torn.jsonl');
    writeFileSync(file, lines.join('\n'));
    const lenient = ctxkit(['validate', file, '--json']);
    expect(lenient.code).toBe(0);
    const report = JSON.parse(lenient.stdout);
    expect(report.messages).toBe(t.messages.length);
    expect(report.skippedLines).toHaveLength(1);
    expect(report.skippedLines[0].line).toBe(4);
    expect(lenient.stderr).toMatch(/skipped 1 unusable line\(s\); first at line 4/);
    const strict = ctxkit(['validate', file, '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/line 4: malformed JSON/);
    expect(strict.stderr).not.toMatch(STACK_LINE);
  });
});

describe('bench', () => {
  it('finds every package benchmark of the checkout, and rejects an unknown one (exit 1)', () => {
    const expected: string[] = [];
    for (const group of ['packages', 'apps']) {
      const dir = join(REPO_ROOT, group);
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir)) {
        const file = join(dir, name, 'package.json');
        if (!existsSync(file)) continue;
        const manifest = JSON.parse(readFileSync(file, 'utf8'));
        if (manifest.scripts?.bench) expected.push(manifest.name);
      }
    }
    const r = spawnSync(process.execPath, [BIN, 'bench', '--list', '--json'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).sort()).toEqual(expected.sort());
    const bad = spawnSync(process.execPath, [BIN, 'bench', '--filter', '@ctxkit/absent'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/no benchmark in @ctxkit\/absent/);
  });
});

describe('reading real transcripts', () => {
  it('validates the embedded transcript and reads it from standard input too', () => {
    const file = ctxkit(['validate', EMBEDDED, '--json']);
    expect(file.code).toBe(0);
    const a = JSON.parse(file.stdout);
    expect(a.format).toBe('ctxkit-jsonl');
    expect(a.valid).toBe(true);
    expect(a.toolCalls).toBeGreaterThan(0);
    const piped = ctxkit(['validate', '-', '--json'], readFileSync(EMBEDDED, 'utf8'));
    expect(JSON.parse(piped.stdout).messages).toBe(a.messages);
  });
});
