import { isCtxkitError } from '@ctxkit/core';
import { Command, CommanderError } from 'commander';
import { registerBench } from './commands/bench.js';
import { registerCount } from './commands/count.js';
import { registerDetect } from './commands/detect.js';
import { registerReplay } from './commands/replay.js';
import { registerUsage } from './commands/usage.js';
import { registerValidate } from './commands/validate.js';
import { type CommandContext, createContext, type OutStream } from './context.js';
import { CommandFailure, EXIT, type ExitCode, exitCodeFor } from './errors.js';
import { colorsFor } from './output/color.js';
import { VERSION } from './version.js';

/** The streams the CLI writes to. */
export interface CliIO {
  stdout: OutStream;
  stderr: OutStream;
}

/** How a command action gets its context: built once the options (and `--json`) are known. */
export type ContextFactory = (options: { json?: boolean }) => CommandContext;

/**
 * Runs the `ctxkit` command line on `argv` (without the `node` and script
 * entries) and resolves to the exit code: 0 ok, 1 usage error, 2 bad input.
 * Never throws and never prints a stack trace (set `CTXKIT_DEBUG=1` to see one).
 */
export async function runCli(
  argv: readonly string[],
  io: CliIO = { stdout: process.stdout, stderr: process.stderr },
): Promise<ExitCode> {
  const wantsJson = argv.includes('--json');
  const errColors = colorsFor(io.stderr);
  const program = new Command();
  program
    .name('ctxkit')
    .description(
      'Token counts, context windows, compaction and usage reports for AI coding agents, on real conversations.',
    )
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
      outputError: (s, write) => write(errColors.red(s)),
    });
  const context: ContextFactory = (options) => createContext(io.stdout, io.stderr, options.json === true);
  registerCount(program, context);
  registerDetect(program, context);
  registerReplay(program, context);
  registerUsage(program, context);
  registerValidate(program, context);
  registerBench(program, context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version "errors" are how commander stops after printing them.
      if (error.exitCode === 0) return EXIT.OK;
      if (wantsJson) {
        io.stdout.write(`${JSON.stringify({ error: { code: 'USAGE', message: error.message } })}\n`);
      }
      return EXIT.USAGE;
    }
    if (error instanceof CommandFailure) {
      // The report is out (as JSON too); the one line says why the exit code is not 0.
      io.stderr.write(`${errColors.red('ctxkit:')} ${error.message}\n`);
      return error.exitCode;
    }
    const code = exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${errColors.red('ctxkit: error:')} ${message}\n`);
    if (process.env.CTXKIT_DEBUG && error instanceof Error && error.stack)
      io.stderr.write(`${error.stack}\n`);
    if (wantsJson) {
      const body = {
        code: isCtxkitError(error) ? error.code : 'INTERNAL',
        message,
        ...(isCtxkitError(error) && error.details ? { details: error.details } : {}),
      };
      io.stdout.write(`${JSON.stringify({ error: body })}\n`);
    }
    return code;
  }
}
