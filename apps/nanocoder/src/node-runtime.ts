import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The oldest Node major Nanocoder runs on (`engines.node` of 1.30.0). */
export const NANOCODER_MIN_NODE = 22;

/** Which Node binary runs Nanocoder, and why. */
export interface NodeChoice {
  path: string;
  version: string;
  source: 'system' | 'npm-node-package';
}

/**
 * Picks the Node that runs Nanocoder: the current one when it is new enough,
 * else the binary of the npm package `node` (≥ 22) when the project installed
 * it (`"node": "22.x"` in its dependencies; its preinstall script fetches the
 * platform binary, so pnpm users must allow it in `onlyBuiltDependencies`).
 * Returns `undefined` when neither is available.
 *
 * @param from - folders to resolve the npm package `node` from, tried in order
 * @param current - the running Node's binary and version; `process.execPath` and
 *   `process.versions.node` by default
 */
export function chooseNode(
  from: readonly string[],
  current: { execPath: string; version: string } = {
    execPath: process.execPath,
    version: process.versions.node,
  },
): NodeChoice | undefined {
  if (major(current.version) >= NANOCODER_MIN_NODE) {
    return { path: current.execPath, version: current.version, source: 'system' };
  }
  for (const dir of from) {
    try {
      const manifest = createRequire(join(dir, 'noop.js')).resolve('node/package.json');
      const { version } = createRequire(manifest)(manifest) as { version: string };
      const bin = join(dirname(manifest), 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
      if (major(version) >= NANOCODER_MIN_NODE && existsSync(bin)) {
        return { path: bin, version, source: 'npm-node-package' };
      }
    } catch {
      // The `node` package is not installed here; try the next folder.
    }
  }
  return undefined;
}

function major(version: string): number {
  return Number.parseInt(version.replace(/^v/, ''), 10);
}
