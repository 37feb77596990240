// Every JavaScript sample of every page a user reads runs here exactly as written: saved as an `.mjs` file
// in one temporary project that installed the packed tarballs (what users would install, not the
// workspace's sources), run with plain `node`, its `// → …` comments compared with what it printed.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// The compressor's test server speaking Ollama's wire protocol (its answers summarize what it receives);
// test-only, so it is not part of the package's public surface.
import { type FakeOllama, startOllama } from '@ctxkit/test-utils';
import { createTokenizer } from '@ctxkit/tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, freshTarballs } from '../../../scripts/pack-workspace.mjs';
import {
  expectedOutput,
  firstMissing,
  importedPackages,
  nameOfSpec,
  readPage,
  type Sample,
  userPages,
} from '../test/markdown-samples.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const pages = userPages(repoRoot).map((file) => readPage(repoRoot, file));
const samples = pages.flatMap((p) => p.samples);
const fileName = (s: Sample) => `${s.page.replace(/[\\/.]/g, '_')}_${s.index + 1}.mjs`;
const ours = (name: string) => name === 'ctxkit' || name.startsWith('@ctxkit/');

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}
const results = new Map<Sample, RunResult>();
let ollama: FakeOllama | undefined;

function runNode(file: string, cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((done) => {
    execFile('node', [file], { cwd, env, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, stderr: error && !stderr ? error.message : stderr });
    });
  });
}

/** One project for all samples: every tarball plus the third-party packages the pages' install lines name. */
function sampleProject(): string {
  const tarballs = freshTarballs(repoRoot);
  const thirdParty = new Map<string, string>();
  for (const spec of pages.flatMap((p) => p.installs)) {
    const name = nameOfSpec(spec);
    if (!ours(name)) thirdParty.set(name, spec.length > name.length ? spec.slice(name.length + 1) : 'latest');
  }
  const deps = Object.fromEntries([...tarballs].map(([name, tgz]) => [name, `file:${tgz}`]));
  const manifest = {
    name: 'ctxkit-samples',
    private: true,
    type: 'module',
    dependencies: { ...deps, ...Object.fromEntries(thirdParty) },
    // A package's @ctxkit dependencies come from the tarballs too, never from the registry.
    overrides: deps,
  };
  // The install is reused while the tarballs and the third-party list stay the same.
  const key = createHash('sha1')
    .update(JSON.stringify([manifest, [...tarballs.values()].map((t) => statSync(t).mtimeMs)]))
    .digest('hex')
    .slice(0, 12);
  const dir = join(tmpdir(), `ctxkit-samples-${key}`);
  const done = join(dir, 'node_modules', '.ctxkit-installed');
  if (!existsSync(done)) {
    // Projects of earlier tarballs are of no more use, but one touched in the last hour may belong to
    // a run of another checkout on the same machine that is installing or running right now.
    for (const old of readdirSync(tmpdir()).filter((n) => n.startsWith('ctxkit-samples-'))) {
      const path = join(tmpdir(), old);
      const touched = existsSync(path) ? statSync(path, { throwIfNoEntry: false })?.mtimeMs : undefined;
      if (touched === undefined || Date.now() - touched < 3_600_000) continue;
      rmSync(path, { recursive: true, force: true });
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  }
  return dir;
}

function install(dir: string): Promise<void> {
  const done = join(dir, 'node_modules', '.ctxkit-installed');
  if (existsSync(done)) return Promise.resolve();
  return new Promise((ok, fail) => {
    execFile(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
      { cwd: dir, env: cleanEnv(), encoding: 'utf8', timeout: 400_000 },
      (error, _stdout, stderr) => {
        if (error) return fail(new Error(`npm install in ${dir} failed: ${stderr || error.message}`));
        writeFileSync(done, '');
        ok();
      },
    );
  });
}

describe('every sample on every user page', () => {
  beforeAll(async () => {
    const dir = sampleProject();
    await install(dir);
    const sampleDir = join(dir, 'samples');
    rmSync(sampleDir, { recursive: true, force: true });
    mkdirSync(sampleDir);
    for (const s of samples) writeFileSync(join(sampleDir, fileName(s)), s.code);
    ollama = await startOllama({ tokenizer: createTokenizer('ollama', 'qwen2.5:7b') });
    // Samples that need Ollama read its address from OLLAMA_HOST, as the ollama client does.
    const env = { ...cleanEnv(), OLLAMA_HOST: ollama.url, NO_COLOR: '1', CTXKIT_DEBUG: '' };
    const queue = [...samples];
    // Two at a time: the machine has two cores.
    const worker = async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        results.set(s, await runNode(join(sampleDir, fileName(s)), dir, env));
      }
    };
    await Promise.all([worker(), worker()]);
  }, 600_000);

  afterAll(async () => {
    await ollama?.close();
  });

  it('finds the samples of the READMEs and the docs', () => {
    expect(samples.length).toBeGreaterThanOrEqual(20);
    for (const page of ['README.md', 'packages/core/README.md', 'packages/tokenizers/README.md']) {
      expect(samples.some((s) => s.page === page)).toBe(true);
    }
  });

  it('renders no test markers', () => {
    const marked = pages.filter((p) => /@no-run|@skip-test/.test(p.text)).map((p) => p.path);
    expect(marked).toEqual([]);
  });

  it('each page names every package its samples import on an install line', () => {
    const missing: string[] = [];
    for (const page of pages) {
      const installed = new Set(page.installs.map(nameOfSpec));
      for (const s of page.samples) {
        for (const name of importedPackages(s.code)) {
          if (!installed.has(name)) missing.push(`${page.path}:${s.line} imports ${name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('a sample that needs a service says so above it', () => {
    const silent = samples
      .filter(
        (s) => s.code.includes('OLLAMA_HOST') && !/needs?\s+(a\s+running\s+|an?\s+)?Ollama/i.test(s.before),
      )
      .map((s) => `${s.page}:${s.line}`);
    expect(silent).toEqual([]);
  });

  for (const s of samples) {
    it(`${s.page}:${s.line} runs and prints what its comments say`, () => {
      const result = results.get(s);
      expect(result).toBeDefined();
      expect(result?.code, `exit code (stderr: ${result?.stderr})`).toBe(0);
      const expected = expectedOutput(s.code);
      expect(expected.length, 'shows what it prints in `// → …` comments').toBeGreaterThan(0);
      for (const e of expected)
        expect(e.line, '`// →` belongs on a console.log line').toContain('console.log(');
      const missing = firstMissing(
        result?.stdout ?? '',
        expected.map((e) => e.value),
      );
      expect(missing, `printed:\n${result?.stdout}`).toBeUndefined();
    });
  }
});
