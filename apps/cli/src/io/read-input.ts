import { readFileSync, readSync, statSync } from 'node:fs';
import { isatty } from 'node:tty';
import { inputError, usageError } from '../errors.js';

/** A file (or standard input) read as text. */
export interface InputText {
  /** The path given, or `-` for standard input. */
  name: string;
  /** The decoded UTF-8 text (a leading byte-order mark removed). */
  text: string;
  /** Size in bytes. */
  bytes: number;
}

// Files with NUL bytes or invalid UTF-8 are not conversations or text; saying so
// beats a JSON parse error pointing at line 1 of a PNG.
const SNIFF_BYTES = 8192;

// readFileSync(0) throws EAGAIN when the parent left the pipe non-blocking; read in chunks and wait
// briefly instead, so `… | ctxkit count -` works from every shell.
function readStdin(): Buffer {
  const chunks: Buffer[] = [];
  const chunk = Buffer.alloc(65536);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    let n: number;
    try {
      n = readSync(0, chunk, 0, chunk.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 5);
        continue;
      }
      if (code === 'EOF') break;
      throw error;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(chunk.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}

/**
 * Reads a file (or standard input for `-`) as UTF-8 text.
 * @throws {CtxkitError} `INVALID_ARGUMENT` for `-` when standard input is a terminal;
 * `IO_ERROR` for a missing or unreadable file or a directory;
 * `INVALID_MESSAGE` for a binary file.
 */
export function readInputText(name: string, options: { allowEmpty?: boolean } = {}): InputText {
  let buffer: Buffer;
  if (name === '-') {
    // Reading a terminal would wait for the user to type a conversation: say what is expected instead.
    // isatty(0), not process.stdin: creating that stream makes fd 0 non-blocking, and readFileSync(0)
    // then fails with EAGAIN on a large piped input.
    if (isatty(0)) throw usageError('no input: give a file, or pipe the input into standard input');
    try {
      buffer = readStdin();
    } catch (error) {
      throw inputError('cannot read standard input', { reason: String(error) }, 'IO_ERROR');
    }
  } else {
    let isDirectory = false;
    try {
      isDirectory = statSync(name).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw inputError(`file not found: ${name}`, { file: name }, 'IO_ERROR');
      throw inputError(`cannot read ${name}: ${code ?? String(error)}`, { file: name }, 'IO_ERROR');
    }
    if (isDirectory) throw inputError(`${name} is a directory, not a file`, { file: name }, 'IO_ERROR');
    try {
      buffer = readFileSync(name);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw inputError(`cannot read ${name}: ${code ?? String(error)}`, { file: name }, 'IO_ERROR');
    }
  }
  if (buffer.subarray(0, SNIFF_BYTES).includes(0)) {
    throw inputError(`${name} looks like a binary file (it contains NUL bytes), not text`, { file: name });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    throw inputError(`${name} is not valid UTF-8 text (binary file?)`, { file: name });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!options.allowEmpty && text.trim().length === 0) {
    throw inputError(`${name === '-' ? 'standard input' : name} is empty`, { file: name });
  }
  return { name, text, bytes: buffer.length };
}
