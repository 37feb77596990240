import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { NANOCODER_PACKAGE } from './compat.js';

/**
 * Where Nanocoder is installed, in this order: `CTXKIT_NANOCODER_ROOT`, the
 * script being run (`node … nanocoder/dist/cli.js`), then a package resolvable
 * from each folder in `from` (Nanocoder has no `exports` map, so its
 * `package.json` resolves). Symlinks are resolved, as Node's loader does.
 *
 * @param from - folders to resolve the `@nanocollective/nanocoder` package from, tried in order
 * @param env - the environment to read `CTXKIT_NANOCODER_ROOT` from; `process.env` by default
 * @param script - the script being run, whose enclosing Nanocoder package root is used;
 *   `process.argv[1]` by default
 */
export function locateNanocoder(
  from: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  script: string | undefined = process.argv[1],
): string | undefined {
  const found = (() => {
    if (env.CTXKIT_NANOCODER_ROOT) return env.CTXKIT_NANOCODER_ROOT;
    if (script) {
      const root = findNanocoderRoot(script);
      if (root) return root;
    }
    for (const dir of from) {
      try {
        const manifest = createRequire(join(dir, 'noop.js')).resolve(`${NANOCODER_PACKAGE}/package.json`);
        return dirname(manifest);
      } catch {
        // Not resolvable from here; try the next folder.
      }
    }
    return undefined;
  })();
  return found !== undefined && existsSync(found) ? realpathSync(found) : found;
}

/**
 * Finds the Nanocoder package root that contains `file` (walking up to a
 * `package.json` named `@nanocollective/nanocoder`), or `undefined`.
 *
 * @param file - a file or folder inside the package (resolved against the working directory)
 */
export function findNanocoderRoot(file: string): string | undefined {
  let dir = resolve(file);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
        if (name === NANOCODER_PACKAGE) return dir;
      } catch {
        // An unreadable manifest on the way up is not ours; keep walking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
