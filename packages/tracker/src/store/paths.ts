import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The default usage directory: `$XDG_DATA_HOME/ctxkit/usage`, else `~/.local/share/ctxkit/usage`
 * (the XDG default, used on every platform so the path is predictable).
 */
export function defaultUsageDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_DATA_HOME && env.XDG_DATA_HOME.length > 0
      ? env.XDG_DATA_HOME
      : join(homedir(), '.local', 'share');
  return join(base, 'ctxkit', 'usage');
}

/** File name of a session: the id with anything outside `[A-Za-z0-9._-]` percent-encoded (no path tricks). */
export function sessionFileName(sessionId: string): string {
  const safe = sessionId.replace(/[^A-Za-z0-9._-]/g, (c) =>
    [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
  return `${safe.startsWith('.') ? `%2E${safe.slice(1)}` : safe}.jsonl`;
}

/** Inverse of {@link sessionFileName}. */
export function sessionIdFromFileName(file: string): string {
  return decodeURIComponent(file.replace(/\.jsonl$/, ''));
}
