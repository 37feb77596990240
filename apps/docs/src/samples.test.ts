import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractSamples, markdownPages, type Sample } from './markdown-samples.js';

const docsRoot = resolve(import.meta.dirname, '..');
const outDir = join(docsRoot, '.samples');
const samples: Sample[] = markdownPages(docsRoot).flatMap((page) => extractSamples(docsRoot, page));
const fileOf = (s: Sample) => join(outDir, `${s.page.replace(/[\\/.]/g, '_')}_${s.index}.ts`);

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

describe('documentation samples', () => {
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
      const tsx = resolve(docsRoot, '../../node_modules/.bin/tsx');
      const out = execFileSync(tsx, ['--conditions=@ctxkit/source', fileOf(s)], {
        cwd: docsRoot,
        encoding: 'utf8',
        stdio: 'pipe',
        timeout: 60_000,
      });
      // Every sample documents what it prints in `// …` comments: check the first printed value appears.
      const expected = [...s.code.matchAll(/console\.log\(.*\); \/\/ (.+)$/gm)].map((m) =>
        m[1]!.split(/[:(]/)[0]!.trim(),
      );
      for (const e of expected) expect(out).toContain(e.replace(/^'|'$/g, ''));
    });
  }
});
