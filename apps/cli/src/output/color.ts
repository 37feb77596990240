import pc from 'picocolors';

/** The colour functions commands use; identity functions when colour is off. */
export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Whether to colour output written to `stream`: only on a TTY, never with
 * `NO_COLOR` or `TERM=dumb`; `FORCE_COLOR` (non-zero) turns it on anywhere.
 * picocolors' own default also colours in CI logs; a CLI whose output is piped
 * into files and other programs must not.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== '') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** Colour functions for a stream, per {@link colorEnabled}. */
export function colorsFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Colors {
  return pc.createColors(colorEnabled(stream, env));
}
