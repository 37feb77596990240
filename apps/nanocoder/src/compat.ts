import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initSync, parse } from 'es-module-lexer';

/** The npm name of the agent this package patches. */
export const NANOCODER_PACKAGE = '@nanocollective/nanocoder';

/**
 * One Nanocoder module the loader hook redirects: its path inside the package
 * and the export names ctxkit replaces (every other export passes through).
 */
export interface PatchedModule {
  /** Stable key, also the name of the runtime installer that replaces it. */
  key:
    | 'tokenization'
    | 'calculator'
    | 'autoCompact'
    | 'messageCapping'
    | 'chatHandler'
    | 'commands'
    | 'contextPercentage';
  /** Path relative to the package root, e.g. `dist/utils/auto-compact.js`. */
  file: string;
  /** Export names ctxkit replaces; each must exist in the original module. */
  replaces: readonly string[];
}

/**
 * The modules ctxkit redirects, per Nanocoder version it was verified against.
 * A version missing here is refused: its internals may have moved, and a hook
 * that guesses would break the agent in ways its users cannot diagnose.
 */
export const SUPPORTED_NANOCODER_VERSIONS: Readonly<Record<string, readonly PatchedModule[]>> = {
  '1.30.0': [
    { key: 'tokenization', file: 'dist/tokenization/index.js', replaces: ['createTokenizer'] },
    { key: 'calculator', file: 'dist/usage/calculator.js', replaces: ['calculateTokenBreakdown'] },
    { key: 'autoCompact', file: 'dist/utils/auto-compact.js', replaces: ['performAutoCompact'] },
    {
      key: 'messageCapping',
      file: 'dist/utils/message-capping.js',
      replaces: ['capMessagesForModel'],
    },
    { key: 'chatHandler', file: 'dist/ai-sdk-client/chat/chat-handler.js', replaces: ['handleChat'] },
    {
      key: 'commands',
      file: 'dist/app/utils/handlers/compact-handler.js',
      replaces: ['handleCompactCommand'],
    },
    {
      key: 'contextPercentage',
      file: 'dist/hooks/useContextPercentage.js',
      replaces: ['useContextPercentage'],
    },
  ],
};

/** The outcome of {@link checkNanocoder}: what to patch, or why not. */
export type NanocoderCheck =
  | { ok: true; root: string; version: string; modules: readonly PatchedModule[] }
  | { ok: false; root: string | undefined; version: string | undefined; reason: string };

/**
 * Lists the names a module exports, read statically (the module is never run:
 * Nanocoder's modules read `.env` and start servers on import).
 *
 * @param source - the module's JavaScript source text (ES module syntax)
 */
export function staticExportNames(source: string): string[] {
  initSync();
  const [, exports] = parse(source);
  return exports.map((e) => e.n);
}

/**
 * Checks that the Nanocoder installed at `root` is a version ctxkit knows and
 * that every module it replaces still exports the names it replaces. Never
 * throws: a failure is returned with a reason a user can act on.
 * @param root - the Nanocoder package root (see `locateNanocoder`), or `undefined` when none was found.
 */
export function checkNanocoder(root: string | undefined): NanocoderCheck {
  if (root === undefined) {
    return {
      ok: false,
      root,
      version: undefined,
      reason: `${NANOCODER_PACKAGE} was not found (set CTXKIT_NANOCODER_ROOT to its install folder)`,
    };
  }
  let version: string | undefined;
  try {
    version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch (error) {
    return {
      ok: false,
      root,
      version,
      reason: `cannot read ${join(root, 'package.json')}: ${String(error)}`,
    };
  }
  const modules = version === undefined ? undefined : SUPPORTED_NANOCODER_VERSIONS[version];
  if (modules === undefined) {
    const known = Object.keys(SUPPORTED_NANOCODER_VERSIONS).join(', ');
    return {
      ok: false,
      root,
      version,
      reason: `${NANOCODER_PACKAGE} ${version ?? '(no version)'} is not a version ctxkit was verified against (known: ${known})`,
    };
  }
  for (const m of modules) {
    const file = join(root, m.file);
    let names: string[];
    try {
      names = staticExportNames(readFileSync(file, 'utf8'));
    } catch (error) {
      return { ok: false, root, version, reason: `cannot read ${m.file}: ${String(error)}` };
    }
    const missing = m.replaces.filter((n) => !names.includes(n));
    if (missing.length > 0) {
      return {
        ok: false,
        root,
        version,
        reason: `${m.file} no longer exports ${missing.join(', ')} (the installed files differ from ${NANOCODER_PACKAGE}@${version})`,
      };
    }
  }
  return { ok: true, root, version: version as string, modules };
}
