// Runs bench/writer.ts in real child processes (shared by the tests and the stress bench). The writer
// is bundled once with esbuild (sources via the @ctxkit/source condition) so each child starts as plain
// Node — a tsx loader costs ~0.5 s of CPU per child, which adds up on a shared 2-core machine.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A bundled writer script and how to remove it. */
export interface Writer {
  file: string;
  dispose(): void;
}

/** Bundles bench/writer.ts (and everything it imports) into one ESM file in a temp directory. */
export async function prepareWriter(): Promise<Writer> {
  const dir = mkdtempSync(join(tmpdir(), 'ctxkit-writer-'));
  const file = join(dir, 'writer.mjs');
  await build({
    entryPoints: [join(PACKAGE_DIR, 'bench/writer.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: file,
    conditions: ['@ctxkit/source'],
    // asciichart is CommonJS; give the ESM bundle a require() for it.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'error',
  });
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts a writer child; stdout lines go to `onLine`. With `fileSizeBlocks` (of `ulimit -f`: 512 B or 1 KiB by shell) the child runs under
 * `ulimit -f` (RLIMIT_FSIZE): the kernel cuts its writes short at that size, like a full disk.
 */
export function spawnWriter(
  writer: Writer,
  args: string[],
  onLine: (line: string) => void = () => {},
  fileSizeBlocks?: number,
): ChildProcess {
  const child =
    fileSizeBlocks === undefined
      ? spawn(process.execPath, [writer.file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(
          '/bin/sh',
          [
            '-c',
            `ulimit -f ${Math.floor(fileSizeBlocks)} && exec "$0" "$@"`,
            process.execPath,
            writer.file,
            ...args,
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
  let buffer = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffer += chunk;
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      onLine(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf('\n');
    }
  });
  let stderr = '';
  child.stderr!.on('data', (c) => {
    stderr += c;
  });
  child.on('exit', (code) => {
    if (code !== 0 && code !== null && stderr) process.stderr.write(stderr);
  });
  return child;
}

/** Resolves with the exit code and signal. */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
}
