import { type Colors, colorsFor } from './output/color.js';

/** A writable stream as the CLI uses it (process streams, or test doubles). */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** Where a command writes, and how. */
export interface CommandContext {
  /** Writes a line to standard output. */
  out(text: string): void;
  /** Writes a line to standard error (warnings, notes, progress). */
  err(text: string): void;
  /** A warning on standard error, prefixed so it stands out from the output. */
  warn(text: string): void;
  /** Colours for standard output (identity when not a TTY). */
  colors: Colors;
  /** `--json` was given: standard output carries exactly one JSON document. */
  json: boolean;
  /** Whether a progress bar may be drawn (human output on a TTY). */
  interactive: boolean;
}

/** Builds a {@link CommandContext} over two streams. */
export function createContext(stdout: OutStream, stderr: OutStream, json: boolean): CommandContext {
  const errColors = colorsFor(stderr);
  return {
    out: (text) => void stdout.write(`${text}\n`),
    err: (text) => void stderr.write(`${text}\n`),
    warn: (text) => void stderr.write(`${errColors.yellow('warning:')} ${text}\n`),
    colors: colorsFor(json ? {} : stdout),
    json,
    interactive: !json && stderr.isTTY === true,
  };
}

/** Prints a command's result: the JSON document under `--json`, else the human text. */
export function emit(ctx: CommandContext, data: unknown, human: () => string): void {
  if (ctx.json) ctx.out(JSON.stringify(data, null, 2));
  else ctx.out(human());
}
