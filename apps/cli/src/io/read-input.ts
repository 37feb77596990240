import { readFileSync, statSync } from 'node:fs';
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
    if (process.stdin.isTTY) throw usageError('no input: give a file, or pipe the input into standard input');
    try {
      buffer = readFileSync(0);
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
