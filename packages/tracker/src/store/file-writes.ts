import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { sessionFileName } from './paths.js';

// The store's writes to disk: appends of whole lines, the repair of a fragment a failed write left,
// and the atomic rewrite retention uses. Nothing here buffers; the store decides when to call them.

const NEWLINE = 0x0a;

/**
 * Opens (creating the directory and the file) a session file for appending. A writer killed mid-write
 * can leave a last line without its newline; it is ended first, so our first line is not glued to the
 * fragment (the fragment then reads as one corrupt line).
 */
export function openSessionFile(directory: string, sessionId: string): number {
  mkdirSync(directory, { recursive: true });
  const fd = openSync(join(directory, sessionFileName(sessionId)), 'a+');
  try {
    // A directory named like a session file opens on some systems; writing to it must fail here.
    if (!fstatSync(fd).isFile()) {
      throw Object.assign(new Error(`${sessionFileName(sessionId)} is not a regular file`), {
        code: 'EISDIR',
      });
    }
    terminateTornTail(fd);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

/**
 * Writes one whole line. A short write (a full disk) is continued; if the rest cannot be written the
 * fragment is truncated away, so the file ends on a whole line and the record can be retried (or
 * dropped) without leaving a corrupt line behind. When the fragment cannot be removed (someone
 * appended after it, or the truncate failed), `onFragmentLeft` runs before the error is rethrown.
 */
export function writeLine(fd: number, bytes: Buffer, onFragmentLeft: () => void): void {
  let offset = 0;
  try {
    while (offset < bytes.length) {
      const n = writeSync(fd, bytes, offset, bytes.length - offset);
      if (n <= 0) throw new Error('write(2) wrote nothing');
      offset += n;
    }
  } catch (cause) {
    if (offset > 0 && !removeFragment(fd, bytes.subarray(0, offset))) onFragmentLeft();
    throw cause;
  }
}

/**
 * Removes our own fragment from the end of the file after a failed write. Returns false when the file
 * no longer ends with it (another writer appended after it) or the truncate failed.
 */
function removeFragment(fd: number, fragment: Buffer): boolean {
  try {
    const { size } = fstatSync(fd);
    if (size < fragment.length) return false;
    const tail = Buffer.alloc(fragment.length);
    readSync(fd, tail, 0, fragment.length, size - fragment.length);
    if (!tail.equals(fragment)) return false;
    ftruncateSync(fd, size - fragment.length);
    return true;
  } catch {
    return false;
  }
}

function terminateTornTail(fd: number): void {
  const { size } = fstatSync(fd);
  if (size === 0) return;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  if (last[0] !== NEWLINE) writeSync(fd, '\n');
}

/** Replaces `directory/name` with `content` atomically: temporary file, fsync, rename, directory fsync. */
export function atomicWrite(directory: string, name: string, content: string): void {
  const tmp = join(directory, `.${name}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    const bytes = Buffer.from(content, 'utf8');
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(tmp);
    throw error;
  }
  closeSync(fd);
  renameSync(tmp, join(directory, name));
  try {
    const dirFd = openSync(directory, 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  } catch {
    // Directory fsync is not supported everywhere; the rename itself is still atomic.
  }
}
