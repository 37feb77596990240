import cliProgress from 'cli-progress';

/** A progress reporter for long loops; a no-op when not drawing. */
export interface Progress {
  /** Advances to `value` (of the total given at start). */
  update(value: number): void;
  /** Clears the bar. */
  stop(): void;
}

const NONE: Progress = { update() {}, stop() {} };

/**
 * A progress bar on standard error, drawn only when standard error is a TTY
 * and the output is for a human (not `--json`): piped or captured runs get no
 * escape codes. Short jobs (under `minTotal` steps) get no bar either.
 */
export function startProgress(
  label: string,
  total: number,
  options: { enabled: boolean; minTotal?: number; stream?: NodeJS.WriteStream },
): Progress {
  const stream = options.stream ?? process.stderr;
  if (!options.enabled || !stream.isTTY || total < (options.minTotal ?? 20)) return NONE;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} ({percentage}%)`,
      stream,
      clearOnComplete: true,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update: (value) => bar.update(value),
    stop: () => bar.stop(),
  };
}
