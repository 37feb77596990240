/**
 * Runs the REAL Nanocoder TUI in a real terminal (a detached tmux session) inside a sandbox, with or
 * without the ctxkit hook.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTmux, type Tui } from '@ctxkit/test-utils';
import { hookFlags, NANOCODER_CLI, type Sandbox } from './run-nanocoder.js';

/** Starts `node [ctxkit hook] nanocoder/dist/cli.js` in the sandbox, in a 160×50 terminal. */
export function startTui(
  node: string,
  sandbox: Sandbox,
  options: { withCtxkit: boolean; env?: Record<string, string>; args?: string[] },
): Tui {
  // Trust the project folder up front, as a user who answered the first-run prompt would have.
  const prefs = JSON.stringify({ trustedDirectories: [sandbox.project] });
  writeFileSync(join(sandbox.project, 'nanocoder-preferences.json'), prefs);
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
  const command = [node, ...(options.withCtxkit ? hookFlags() : []), NANOCODER_CLI, ...(options.args ?? [])];
  return startTmux(command, { cwd: sandbox.project, env, socket: join(sandbox.root, 'tmux.sock') });
}
