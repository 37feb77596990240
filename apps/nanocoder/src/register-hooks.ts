import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkNanocoder, type NanocoderCheck } from './compat.js';
import type { HookData } from './loader-hooks.js';

/** Options for {@link registerNanocoderHooks}. */
export interface RegisterOptions {
  /** The Nanocoder package root; see `locateNanocoder`. */
  root: string | undefined;
  /** URL of the loader-hooks module (`loader-hooks.js` beside this file). */
  hooksUrl: URL;
  /** URL of the runtime module the shims import (`runtime.js` beside this file). */
  runtimeUrl: URL;
  /**
   * Where refusals are written.
   * @default writes to stderr
   */
  warn?: (message: string) => void;
}

/**
 * Checks the installed Nanocoder and, when it is a version ctxkit knows,
 * registers the loader hooks that route its tokenization, compaction, message
 * capping and model calls through ctxkit. On an unknown version or a missing
 * export it registers nothing — Nanocoder runs exactly as shipped — and says so
 * loudly. Returns the check so callers (the bin) can refuse to continue.
 *
 * @param options - the Nanocoder root, the hook and runtime module URLs and where refusals are
 *   written; see {@link RegisterOptions}
 */
export function registerNanocoderHooks(options: RegisterOptions): NanocoderCheck {
  const check = checkNanocoder(options.root);
  if (!check.ok) {
    (options.warn ?? ((m: string) => process.stderr.write(`${m}\n`)))(
      `[ctxkit] REFUSING to patch Nanocoder: ${check.reason}. Nanocoder runs unmodified (no ctxkit counting, compaction or usage history).`,
    );
    return check;
  }
  const targets: HookData['targets'] = {};
  for (const m of check.modules) {
    targets[pathToFileURL(join(check.root, m.file)).href] = { key: m.key, replaces: [...m.replaces] };
  }
  const data: HookData = {
    targets,
    runtimeUrl: options.runtimeUrl.href,
    rootUrl: pathToFileURL(`${check.root}/`).href,
  };
  register(options.hooksUrl, { data });
  process.env.CTXKIT_NANOCODER_ACTIVE = check.version;
  if (process.env.CTXKIT_DEBUG) {
    process.stderr.write(
      `[ctxkit] patched ${check.modules.length} modules of Nanocoder ${check.version} at ${check.root}\n`,
    );
  }
  return check;
}
