/**
 * Runs the REAL Nanocoder CLI (`--plain --json run …`) in a child
 * process on Node ≥ 22, with or without the ctxkit hook, in throwaway
 * HOME / XDG / project folders.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chooseNode } from '../src/node-runtime.js';

const APP = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(APP, 'package.json'));

/** The installed Nanocoder (the pinned devDependency). */
export const NANOCODER_ROOT = dirname(require.resolve('@nanocollective/nanocoder/package.json'));
/** Nanocoder's CLI entry. */
export const NANOCODER_CLI = join(NANOCODER_ROOT, 'dist', 'cli.js');

/** A Node ≥ 22 (system, else the `node` npm package installed by the project), or undefined. */
export function node22(): string | undefined {
  return chooseNode([APP])?.path;
}

/** Node flags that load ctxkit's hook from SOURCES (tsx compiles the .ts files). */
export function hookFlags(): string[] {
  const tsx = pathToFileURL(require.resolve('tsx/esm')).href;
  const register = pathToFileURL(join(APP, 'src', 'register.ts')).href;
  return ['--conditions=@ctxkit/source', '--import', tsx, '--import', register];
}

/** Throwaway folders for one run. */
export interface Sandbox {
  root: string;
  home: string;
  project: string;
  dataHome: string;
  configHome: string;
}

/** Creates a sandbox with `files` in the project folder and an agents.config.json. */
export function makeSandbox(
  files: Record<string, string>,
  providers: unknown[],
  /** More top-level blocks of agents.config.json (e.g. `ctxkit`). */
  extra: Record<string, unknown> = {},
): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'ctxkit-nanocoder-'));
  const s: Sandbox = {
    root,
    home: join(root, 'home'),
    project: join(root, 'project'),
    dataHome: join(root, 'xdg-data'),
    configHome: join(root, 'xdg-config'),
  };
  for (const d of [s.home, s.project, s.dataHome, s.configHome]) mkdirSync(d, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(s.project, name)), { recursive: true });
    writeFileSync(join(s.project, name), content);
  }
  writeFileSync(
    join(s.project, 'agents.config.json'),
    JSON.stringify({ nanocoder: { providers }, ...extra }, null, 2),
  );
  return s;
}

/** The outcome of one CLI run. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `node [hook] nanocoder/dist/cli.js ...args` in the sandbox. */
export function runCli(
  node: string,
  sandbox: Sandbox,
  args: string[],
  options: { withCtxkit: boolean; env?: Record<string, string>; timeoutMs?: number },
): Promise<CliRun> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Vitest's NODE_ENV=test and CI markers would change Nanocoder's behaviour.
    if (
      v !== undefined &&
      !['NODE_ENV', 'VITEST', 'CI', 'GITHUB_ACTIONS'].includes(k) &&
      !k.startsWith('VITEST_')
    ) {
      env[k] = v;
    }
  }
  Object.assign(env, {
    HOME: sandbox.home,
    XDG_DATA_HOME: sandbox.dataHome,
    XDG_CONFIG_HOME: sandbox.configHome,
    NANOCODER_DATA_DIR: join(sandbox.dataHome, 'nanocoder'),
    NO_COLOR: '1',
    ...options.env,
  });
  const flags = options.withCtxkit ? hookFlags() : [];
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(node, [...flags, NANOCODER_CLI, ...args], {
      cwd: sandbox.project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}
