import { CtxkitError, type CtxkitErrorCode, isCtxkitError } from '@ctxkit/core';

/** The process exit codes of the `ctxkit` command. */
export const EXIT = {
  /** Success. */
  OK: 0,
  /** The command line was wrong: unknown command or option, missing or invalid argument. */
  USAGE: 1,
  /** The input was unusable: missing, unreadable, binary, empty or malformed (under `--strict`). */
  BAD_INPUT: 2,
  /** `ctxkit validate` found problems in the conversation (the report says which). */
  PROBLEMS: 3,
  /** `ctxkit replay`: at least one request was over the limit with the chosen strategy. */
  OVER_BUDGET: 4,
} as const;

/** One of {@link EXIT}'s values. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

// Codes that mean "you called it wrong" rather than "your data is wrong".
const USAGE_CODES: ReadonlySet<CtxkitErrorCode> = new Set(['INVALID_ARGUMENT', 'UNSUPPORTED']);

/** A usage error (exit code 1): the command line itself is wrong. */
export function usageError(message: string, details?: Record<string, unknown>): CtxkitError {
  return new CtxkitError('INVALID_ARGUMENT', message, details);
}

/** A bad-input error (exit code 2): the file or stream given cannot be used. */
export function inputError(
  message: string,
  details?: Record<string, unknown>,
  code: CtxkitErrorCode = 'INVALID_MESSAGE',
): CtxkitError {
  return new CtxkitError(code, message, details);
}

/** The exit code an error maps to: usage errors 1, every other known or unknown failure 2. */
export function exitCodeFor(error: unknown): ExitCode {
  if (isCtxkitError(error) && USAGE_CODES.has(error.code)) return EXIT.USAGE;
  return EXIT.BAD_INPUT;
}

/**
 * A command that ran to the end and printed its report, but whose outcome is a failure the exit
 * code must say (problems found, a request over the limit). `message` is the one line for stderr.
 */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CommandFailure';
  }
}
