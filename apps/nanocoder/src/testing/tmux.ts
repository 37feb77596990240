/**
 * Test-only: drives the REAL Nanocoder TUI in a real terminal — a detached
 * tmux session — typing as a user does and reading the screen with
 * `capture-pane`. tmux comes from Debian (`scripts/ci-system-deps.sh`).
 * @internal
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hookFlags, NANOCODER_CLI, type Sandbox } from './run-nanocoder.js';

/** The tmux binary, or undefined when none is installed. */
export function tmuxPath(): string | undefined {
  for (const p of ['/usr/bin/tmux', '/usr/local/bin/tmux', '/bin/tmux']) if (existsSync(p)) return p;
  const which = spawnSync('which', ['tmux'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() || undefined : undefined;
}

/** A Nanocoder TUI running in a detached tmux session. */
export interface Tui {
  /** Types text literally (no Enter). */
  type(text: string): void;
  /** Presses keys by tmux name (`Enter`, `Escape`, `C-c`). */
  press(...keys: string[]): void;
  /** The visible screen plus scrollback, as plain text. */
  screen(): string;
  /** Waits until the screen matches; throws with the screen when it never does. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Ends the session (kills the process tree it started). */
  close(): void;
}

let sessions = 0;

/** Starts `node [ctxkit hook] nanocoder/dist/cli.js` in the sandbox, in a 160×50 terminal. */
export function startTui(
  node: string,
  sandbox: Sandbox,
  options: { withCtxkit: boolean; env?: Record<string, string>; args?: string[] },
): Tui {
  const tmux = tmuxPath();
  if (!tmux) throw new Error('tmux is not installed (scripts/ci-system-deps.sh installs it)');
  // Trust the project folder up front, as a user who answered the first-run prompt would have.
  const prefs = JSON.stringify({ trustedDirectories: [sandbox.project] });
  writeFileSync(join(sandbox.project, 'nanocoder-preferences.json'), prefs);
  const name = `ctxkit-tui-${process.pid}-${++sessions}`;
  const socket = join(sandbox.root, 'tmux.sock');
  const env: Record<string, string> = {
    HOME: sandbox.home,
    XDG_DATA_HOME: sandbox.dataHome,
    XDG_CONFIG_HOME: sandbox.configHome,
    NANOCODER_DATA_DIR: join(sandbox.dataHome, 'nanocoder'),
    TERM: 'xterm-256color',
    NO_COLOR: '1',
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...options.env,
  };
  const command = [node, ...(options.withCtxkit ? hookFlags() : []), NANOCODER_CLI, ...(options.args ?? [])]
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  const exports = Object.entries(env)
    .map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  const run = (...args: string[]) => execFileSync(tmux, ['-S', socket, ...args], { encoding: 'utf8' });
  run(
    'new-session',
    '-d',
    '-s',
    name,
    '-x',
    '160',
    '-y',
    '50',
    '-c',
    sandbox.project,
    `env -i ${exports} ${command}; sleep 600`,
  );
  run('set-option', '-t', name, 'history-limit', '5000');
  const screen = () => run('capture-pane', '-p', '-J', '-S', '-5000', '-t', name);
  return {
    type: (text) => void run('send-keys', '-t', name, '-l', text),
    press: (...keys) => void run('send-keys', '-t', name, ...keys),
    screen,
    async waitFor(pattern, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < end) {
        last = screen();
        if (pattern.test(last)) return last;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`screen never matched ${pattern}:\n${last}`);
    },
    close() {
      try {
        run('kill-server');
      } catch {
        // already gone
      }
    },
  };
}
