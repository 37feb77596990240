// Extracts the code samples from every page a user reads — the root README, each package's and app's
// README, the docs site's pages — so the test suite can run each one exactly as written.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One JavaScript/TypeScript block of a page. */
export interface Sample {
  /** The page, relative to the repository root. */
  page: string;
  /** 0-based position among the page's samples. */
  index: number;
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's language tag (`js`, `ts`, …). */
  lang: string;
  code: string;
  /** The prose just above the block (up to the previous block or heading). */
  before: string;
}

/** One page: its samples and what its `npm install` / `pnpm add` lines name. */
export interface Page {
  path: string;
  text: string;
  samples: Sample[];
  /** Package specs named by install lines (`@ctxkit/core`, `@nanocollective/nanocoder@1.30.0`, …). */
  installs: string[];
}

const SKIP_DIRS = new Set(['node_modules', 'api', '.vitepress', '.samples', 'src', 'dist']);

function walkMarkdown(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!SKIP_DIRS.has(name)) walkMarkdown(path, out);
    } else if (name.endsWith('.md')) out.push(path);
  }
}

/** Every page a user reads: README.md, packages/* and apps/* READMEs, and the docs site's pages. */
export function userPages(repoRoot: string): string[] {
  const out = [join(repoRoot, 'README.md')];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(repoRoot, group))) {
      const readme = join(repoRoot, group, name, 'README.md');
      if (existsSync(readme)) out.push(readme);
    }
  }
  walkMarkdown(join(repoRoot, 'apps', 'docs'), out);
  return [...new Set(out)].sort();
}

const CODE_LANGS = new Set(['js', 'javascript', 'mjs', 'ts', 'typescript']);
const FENCE = /^```([\w-]*)[^\n]*\n([\s\S]*?)^```/gm;
const INSTALL = /^\s*(?:npm (?:install|i|add)|pnpm add|yarn add)\s+(.+)$/gm;

/** The samples and install lines of one page. */
export function readPage(repoRoot: string, file: string): Page {
  const text = readFileSync(file, 'utf8');
  const page = relative(repoRoot, file);
  const samples: Sample[] = [];
  const installs: string[] = [];
  let previousEnd = 0;
  for (const match of text.matchAll(FENCE)) {
    const lang = match[1] ?? '';
    const code = match[2] ?? '';
    const start = match.index ?? 0;
    if (CODE_LANGS.has(lang)) {
      const prose = text.slice(previousEnd, start);
      const heading = prose.lastIndexOf('\n#');
      samples.push({
        page,
        index: samples.length,
        line: text.slice(0, start).split('\n').length,
        lang,
        code,
        before: heading >= 0 ? prose.slice(heading) : prose,
      });
    } else if (lang === 'sh' || lang === 'bash' || lang === 'shell') {
      for (const line of code.matchAll(INSTALL)) {
        const args = (line[1] ?? '').split('#')[0]!.trim().split(/\s+/);
        installs.push(
          ...args.filter((a) => a && !a.startsWith('-') && !a.startsWith('.') && !a.startsWith('/')),
        );
      }
    }
    previousEnd = start + match[0].length;
  }
  return { path: page, text, samples, installs };
}

/** The package a bare import specifier names (`@scope/name/sub` → `@scope/name`), or undefined for builtins. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || specifier.startsWith('.') || specifier.startsWith('/'))
    return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The name in an install spec (`@nanocollective/nanocoder@1.30.0` → `@nanocollective/nanocoder`). */
export function nameOfSpec(spec: string): string {
  const at = spec.indexOf('@', 1);
  return at > 0 ? spec.slice(0, at) : spec;
}

/** Packages a sample imports (static `import … from` and dynamic `import()`), builtins excluded. */
export function importedPackages(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)) {
    const name = packageOf(m[1] ?? '');
    if (name) found.add(name);
  }
  return [...found];
}

/** The values a sample says it prints: the `// → …` comments, in order, with the line each is on. */
export function expectedOutput(code: string): { line: string; value: string }[] {
  const out: { line: string; value: string }[] = [];
  for (const line of code.split('\n')) {
    const at = line.indexOf('// →');
    if (at >= 0) out.push({ line, value: line.slice(at + '// →'.length).trim() });
  }
  return out;
}

/**
 * Whether `expected` appear in `printed` as whole lines, in order. Returns the first one missing.
 * @param printed what the sample wrote to standard output
 * @param expected the `// →` values, in order
 */
export function firstMissing(printed: string, expected: string[]): string | undefined {
  const lines = printed.split('\n').map((l) => l.trim());
  let at = 0;
  for (const value of expected) {
    const found = lines.indexOf(value, at);
    if (found < 0) return value;
    at = found + 1;
  }
  return undefined;
}
