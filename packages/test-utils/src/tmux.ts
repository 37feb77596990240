/**
 * Drives a program in a real terminal — a detached tmux session — typing as a user does and reading
 * the screen with `capture-pane` (the Nanocoder TUI tests run the real Nanocoder in it). tmux comes
 * from Debian (`scripts/ci-system-deps.sh`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The tmux binary, or undefined when none is installed. */
export function tmuxPath(): string | undefined {
  for (const p of ['/usr/bin/tmux', '/usr/local/bin/tmux', '/bin/tmux']) if (existsSync(p)) return p;
  const which = spawnSync('which', ['tmux'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() || undefined : undefined;
}

/** A program running in a detached tmux session. */
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

/** Options of {@link startTmux}. */
export interface TmuxOptions {
  /** The folder the program starts in. */
  cwd: string;
  /** The program's whole environment (nothing else of this process's environment is passed). */
  env: Record<string, string>;
  /** Path of the tmux server's socket (one server per session, so `close` ends only it). */
  socket: string;
  /** @default 'ctxkit-tui' */
  namePrefix?: string;
}

let sessions = 0;

const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;

/** Starts `command` (argv) in a new detached 160×50 tmux session. */
export function startTmux(command: readonly string[], options: TmuxOptions): Tui {
  const tmux = tmuxPath();
  if (!tmux) throw new Error('tmux is not installed (scripts/ci-system-deps.sh installs it)');
  const name = `${options.namePrefix ?? 'ctxkit-tui'}-${process.pid}-${++sessions}`;
  const exports = Object.entries(options.env)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(' ');
  const run = (...args: string[]) =>
    execFileSync(tmux, ['-S', options.socket, ...args], { encoding: 'utf8' });
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
    options.cwd,
    `env -i ${exports} ${command.map(quote).join(' ')}; sleep 600`,
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
