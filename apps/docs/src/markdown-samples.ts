// Extracts the TypeScript samples from the docs' Markdown pages so the test
// suite can type-check and run every one of them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One ```ts block of a page. */
export interface Sample {
  page: string;
  index: number;
  code: string;
  /** Blocks whose first line is `// @no-run` are type-checked only (e.g. they need a running Ollama). */
  run: boolean;
}

const SKIP_DIRS = new Set(['node_modules', 'api', '.vitepress', '.samples', 'src']);

/** Every Markdown page under `root`, except generated API pages. */
export function markdownPages(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (!SKIP_DIRS.has(name)) walk(path);
      } else if (name.endsWith('.md')) out.push(path);
    }
  };
  walk(root);
  return out.sort();
}

/** The ```ts / ```typescript blocks of one page. */
export function extractSamples(root: string, file: string): Sample[] {
  const text = readFileSync(file, 'utf8');
  const samples: Sample[] = [];
  const fence = /^```(?:ts|typescript)\b[^\n]*\n([\s\S]*?)^```/gm;
  for (const match of text.matchAll(fence)) {
    const code = match[1] ?? '';
    samples.push({
      page: relative(root, file),
      index: samples.length,
      code,
      run: !code.startsWith('// @no-run'),
    });
  }
  return samples;
}
