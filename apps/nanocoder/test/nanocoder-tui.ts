/**
 * Runs the REAL Nanocoder TUI in a real terminal (a detached tmux session) inside a sandbox, with or
 * without the ctxkit hook.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  renderQwenChat,
  type ScriptedServer,
  type ScriptedServerOptions,
  type ScriptedTurn,
  startScriptedServer,
  startTmux,
  type Tui,
  tmuxPath,
} from '@ctxkit/test-utils';
import { createVocabularyTokenizer } from '@ctxkit/tokenizers';
import { hookFlags, makeSandbox, NANOCODER_CLI, node22, type Sandbox } from './run-nanocoder.js';
import { sessionFiles } from './session.js';

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

/** What {@link startTuiSession} sets up: the scripted model, the sandbox and the TUI running in it. */
export interface TuiSession {
  server: ScriptedServer;
  sandbox: Sandbox;
  tui: Tui;
  /** Closes the TUI and the server and removes the sandbox. */
  close(): Promise<void>;
}

/** Options of {@link startTuiSession}. */
export interface TuiSessionOptions {
  /** The model's turns, replayed by the loopback server. */
  turns: ScriptedTurn[];
  /** The server's real window: requests counted above it are rejected. */
  contextLimit: number;
  /** The window Nanocoder is told in its provider config. @default contextLimit */
  configuredWindow?: number;
  model: string;
  /** How the server's summary requests fail, if at all. */
  summaryFault?: ScriptedServerOptions['summaryFault'];
  /** The `ctxkit` block of the sandbox's agents.config.json. */
  ctxkit: Record<string, unknown>;
}

/**
 * The real Nanocoder TUI with the ctxkit hook, in tmux, against a loopback model that counts each
 * request with the Qwen2 vocabulary over Qwen's chat template; resolves once the input box is shown.
 *
 * @param options - the model's turns, the windows and the sandbox's `ctxkit` settings
 */
export async function startTuiSession(options: TuiSessionOptions): Promise<TuiSession> {
  if (!tmuxPath()) throw new Error('tmux is not installed: run scripts/ci-system-deps.sh');
  const node = node22();
  if (!node) throw new Error('no Node >= 22 (system or the `node` npm package): run pnpm install');
  const qwen = createVocabularyTokenizer('qwen2');
  qwen.countTokens('warm up');
  const server = await startScriptedServer({
    turns: options.turns,
    ...(options.summaryFault ? { summaryFault: options.summaryFault } : {}),
    contextLimit: options.contextLimit,
    model: options.model,
    countRequest: (body) => qwen.countTokens(renderQwenChat(body)),
  });
  let sandbox: Sandbox | undefined;
  let tui: Tui | undefined;
  const close = async () => {
    tui?.close();
    await server.close();
    if (sandbox) rmSync(sandbox.root, { recursive: true, force: true });
  };
  try {
    sandbox = makeSandbox(
      sessionFiles(90),
      [
        {
          name: 'local',
          baseUrl: server.url,
          models: [options.model],
          contextWindow: options.configuredWindow ?? options.contextLimit,
        },
      ],
      { ctxkit: options.ctxkit },
    );
    tui = startTui(node, sandbox, { withCtxkit: true, args: ['--mode', 'yolo'] });
    await tui.waitFor(/What would you like/, 90_000);
  } catch (error) {
    await close();
    throw error;
  }
  return { server, sandbox, tui, close };
}
