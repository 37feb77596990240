import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractSamples, markdownPages, type Sample } from './markdown-samples.js';

const docsRoot = resolve(import.meta.dirname, '..');
const outDir = join(docsRoot, '.samples');
const samples: Sample[] = markdownPages(docsRoot).flatMap((page) => extractSamples(docsRoot, page));
const fileOf = (s: Sample) => join(outDir, `${s.page.replace(/[\\/.]/g, '_')}_${s.index}.ts`);
const resultsFile = join(outDir, 'results.jsonl');

// Each sample becomes a module of its own (export {} keeps top-level names apart).
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const s of samples) writeFileSync(fileOf(s), `${s.code}\nexport {};\n`);
writeFileSync(
  join(outDir, 'tsconfig.json'),
  JSON.stringify({
    extends: '../../../tsconfig.base.json',
    compilerOptions: { noUnusedLocals: false },
    include: ['*.ts'],
  }),
);

// One tsx process runs every runnable sample in turn (a process per sample cost ~2-5 s each on a loaded
// machine). It captures what each sample prints and appends one JSON line per sample as soon as it is
// done, so a sample that hangs or kills the process still leaves the results of the ones before it.
const runner = `import { appendFileSync } from 'node:fs';
import { format } from 'node:util';
import { pathToFileURL } from 'node:url';
const files = ${JSON.stringify(samples.filter((s) => s.run).map(fileOf))};
for (const file of files) {
  const lines = [];
  const log = console.log;
  console.log = (...args) => lines.push(format(...args));
  let error;
  try {
    await import(pathToFileURL(file).href);
  } catch (e) {
    error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  } finally {
    console.log = log;
  }
  appendFileSync(${JSON.stringify(resultsFile)}, JSON.stringify({ file, output: lines.join('\\n'), error }) + '\\n');
}
`;
writeFileSync(join(outDir, 'run-all.mts'), runner);

interface RunResult {
  file: string;
  output: string;
  error?: string;
}
const results = new Map<string, RunResult>();
let runnerFailure = '';

describe('documentation samples', () => {
  beforeAll(async () => {
    const tsx = resolve(docsRoot, '../../node_modules/.bin/tsx');
    await new Promise<void>((done) => {
      execFile(
        tsx,
        ['--conditions=@ctxkit/source', join(outDir, 'run-all.mts')],
        { cwd: docsRoot, encoding: 'utf8', timeout: 150_000 },
        (error, _stdout, stderr) => {
          if (error) runnerFailure = `${error.message}\n${stderr}`;
          done();
        },
      );
    });
    if (existsSync(resultsFile)) {
      for (const line of readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean)) {
        const r = JSON.parse(line) as RunResult;
        results.set(r.file, r);
      }
    }
  }, 160_000);

  it('finds samples in the guides', () => {
    expect(samples.length).toBeGreaterThanOrEqual(3);
  });

  it('type-check', () => {
    const tsc = join(docsRoot, 'node_modules', '.bin', 'tsc');
    let output = '';
    try {
      execFileSync(tsc, ['--noEmit', '-p', outDir], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  });

  for (const s of samples.filter((x) => x.run)) {
    it(`runs ${s.page} #${s.index + 1}`, () => {
      const result = results.get(fileOf(s));
      expect(result, `the sample runner stopped before this sample: ${runnerFailure}`).toBeDefined();
      expect(result?.error).toBeUndefined();
      // Every sample documents what it prints in `// …` comments: check the first printed value appears.
      const expected = [...s.code.matchAll(/console\.log\(.*\); \/\/ (.+)$/gm)].map((m) =>
        m[1]!.split(/[:(]/)[0]!.trim(),
      );
      for (const e of expected) expect(result?.output).toContain(e.replace(/^'|'$/g, ''));
    });
  }

  it('the sample runner exits cleanly (no pending top-level await, no crash)', () => {
    expect(runnerFailure).toBe('');
  });
});
