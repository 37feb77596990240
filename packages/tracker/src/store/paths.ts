import { homedir } from 'node:os';
import { join } from 'node:path';
import { CtxkitError } from '@ctxkit/core';

/**
 * The default usage directory: `$XDG_DATA_HOME/ctxkit/usage`, else `~/.local/share/ctxkit/usage`
 * (the XDG default, used on every platform so the path is predictable).
 *
 * @param env - the environment to read `XDG_DATA_HOME` from (an empty value counts as unset);
 *   `process.env` by default
 */
export function defaultUsageDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_DATA_HOME && env.XDG_DATA_HOME.length > 0
      ? env.XDG_DATA_HOME
      : join(homedir(), '.local', 'share');
  return join(base, 'ctxkit', 'usage');
}

/**
 * File name of a session: the id with anything outside `[A-Za-z0-9._-]` percent-encoded (no path tricks).
 *
 * @param sessionId - the session id; each unsafe character is encoded as its UTF-8 bytes, and a
 *   leading `.` as `%2E`, before `.jsonl` is appended
 */
export function sessionFileName(sessionId: string): string {
  const safe = sessionId.replace(/[^A-Za-z0-9._-]/g, (c) =>
    [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
  return `${safe.startsWith('.') ? `%2E${safe.slice(1)}` : safe}.jsonl`;
}

/** Longest file name most file systems take (ext4, APFS, NTFS: 255 bytes or UTF-16 units). */
const MAX_FILE_NAME_BYTES = 255;

/**
 * Refuses a session id whose file name would not fit the file system: every write of it would fail,
 * so it is refused before anything is acknowledged.
 */
export function checkSessionFileName(sessionId: string): void {
  const name = sessionFileName(sessionId);
  if (name.length > MAX_FILE_NAME_BYTES) {
    throw new CtxkitError(
      'INVALID_ARGUMENT',
      `session id too long: its file name would be ${name.length} bytes (at most ${MAX_FILE_NAME_BYTES})`,
      { length: name.length },
    );
  }
}

/**
 * Inverse of {@link sessionFileName}; undefined for a name it cannot have produced (a stray file such
 * as `100%.jsonl`, whose `%` escape is malformed).
 */
export function sessionIdFromFileName(file: string): string | undefined {
  try {
    return decodeURIComponent(file.replace(/\.jsonl$/, ''));
  } catch {
    return undefined;
  }
}
