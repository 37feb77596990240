/**
 * A minimal Agent Client Protocol client over stdio (newline-
 * delimited JSON-RPC 2.0): initialize, session/new, one session/prompt. It
 * allows any permission the agent asks for and ignores session updates.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Runs one ACP prompt turn against `node …args --acp` and returns its stop reason. */
export async function acpPrompt(
  node: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; prompt: string; timeoutMs?: number },
): Promise<{ stopReason: string | undefined; error?: string; stderr: string }> {
  const child: ChildProcessWithoutNullStreams = spawn(node, args, { cwd: options.cwd, env: options.env });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let id = 0;
  const pending = new Map<number, (msg: { result?: unknown; error?: { message: string } }) => void>();
  const send = (msg: object) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...msg })}\n`);
  const call = (method: string, params: object) =>
    new Promise<{ result?: unknown; error?: { message: string } }>((resolve) => {
      const n = ++id;
      pending.set(n, resolve);
      send({ id: n, method, params });
    });
  createInterface({ input: child.stdout }).on('line', (line) => {
    let msg: {
      id?: number;
      method?: string;
      result?: unknown;
      error?: { message: string };
      params?: unknown;
    };
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (msg.method !== undefined && msg.id !== undefined) {
      // A request from the agent: allow permissions, refuse the rest.
      if (msg.method === 'session/request_permission') {
        const opts = (msg.params as { options?: { optionId: string; kind: string }[] }).options ?? [];
        const allow = opts.find((o) => o.kind.startsWith('allow')) ?? opts[0];
        send({ id: msg.id, result: { outcome: { outcome: 'selected', optionId: allow?.optionId } } });
      } else {
        send({ id: msg.id, error: { code: -32601, message: 'not supported by this test client' } });
      }
      return;
    }
    if (msg.id !== undefined) pending.get(msg.id)?.(msg);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
  try {
    const init = await call('initialize', { protocolVersion: 1, clientCapabilities: {} });
    if (init.error) return { stopReason: undefined, error: init.error.message, stderr };
    const session = await call('session/new', { cwd: options.cwd, mcpServers: [] });
    if (session.error) return { stopReason: undefined, error: session.error.message, stderr };
    const { sessionId } = session.result as { sessionId: string };
    const turn = await call('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: options.prompt }],
    });
    return {
      stopReason: (turn.result as { stopReason?: string } | undefined)?.stopReason,
      ...(turn.error ? { error: turn.error.message } : {}),
      stderr,
    };
  } finally {
    clearTimeout(timer);
    child.stdin.end();
    child.kill();
  }
}
