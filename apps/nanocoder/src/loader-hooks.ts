/**
 * Node module-loader hooks (run in the loader thread by `module.register`).
 * They redirect the few Nanocoder modules listed in `compat.ts` to generated
 * shims: each shim re-exports the original module untouched and overrides only
 * the names ctxkit replaces, with implementations from `runtime.ts`.
 * @internal
 */
import type { InitializeHook, LoadHook, ResolveHook } from 'node:module';

/** What `register.ts` hands the loader thread. @internal */
export interface HookData {
  /** Original module URL → the key of its runtime installer and the names it replaces. */
  targets: Record<string, { key: string; replaces: string[] }>;
  /** URL of the runtime module the shims import. */
  runtimeUrl: string;
  /** File URL of the Nanocoder package root (with a trailing slash). */
  rootUrl: string;
}

/**
 * The originals are loaded under their own scheme rather than a `?query`:
 * other loaders in the chain (tsx, for one) drop query strings, which would
 * turn a shim's import of its original into an import of itself.
 */
const ORIGINAL = 'ctxkit-original:';
let data: HookData = { targets: {}, runtimeUrl: '', rootUrl: '' };

export const initialize: InitializeHook<HookData> = (d) => {
  data = d;
};

/** `file:///x.js` → `ctxkit-original:///x.js` and back. */
export function originalUrl(fileUrl: string): string {
  return `${ORIGINAL}${fileUrl.slice('file:'.length)}`;
}
function fileUrlOf(original: string): string {
  return `file:${original.slice(ORIGINAL.length)}`;
}

export const resolve: ResolveHook = async (specifier, context, next) => {
  if (specifier.startsWith(ORIGINAL)) return { url: specifier, format: 'module', shortCircuit: true };
  // Imports made BY an original module resolve as if made from its real file.
  const parentURL = context.parentURL?.startsWith(ORIGINAL)
    ? fileUrlOf(context.parentURL)
    : context.parentURL;
  return next(specifier, parentURL === undefined ? context : { ...context, parentURL });
};

/** Source of the shim that stands in for `original`. */
export function shimSource(
  original: string,
  key: string,
  replaces: readonly string[],
  runtimeUrl: string,
): string {
  const o = JSON.stringify(originalUrl(original));
  const lines = [
    // The runtime first: it has no cycle with Nanocoder, so it is evaluated
    // before any Nanocoder module (which may call back into this shim).
    `import { install } from ${JSON.stringify(runtimeUrl)};`,
    `import * as original from ${o};`,
    `export * from ${o};`,
    // Installed on first call, not at evaluation: Nanocoder's modules import each
    // other in cycles, so this shim's body may run after its first caller. Hence
    // only hoisted declarations (var, function) below.
    'var replaced;',
    `function get() { return replaced || (replaced = install(${JSON.stringify(key)}, original, ${JSON.stringify(data.rootUrl)})); }`,
  ];
  // Hoisted function declarations (every replaced export is a function), so a
  // module in an import cycle can reference them before this shim has run.
  // Explicit exports shadow the `export *` above, so only these names change.
  for (const name of replaces) {
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`ctxkit: bad export name ${name}`);
    lines.push(`export function ${name}(...args) { return get().${name}.apply(this, args); }`);
  }
  return `${lines.join('\n')}\n`;
}

export const load: LoadHook = async (url, context, next) => {
  const target = data.targets[url];
  if (target !== undefined) {
    // The patched module keeps its own URL, so every importer gets the shim.
    return {
      format: 'module',
      source: shimSource(url, target.key, target.replaces, data.runtimeUrl),
      shortCircuit: true,
    };
  }
  if (url.startsWith(ORIGINAL)) {
    const loaded = await next(fileUrlOf(url), { ...context, format: 'module' });
    return { ...loaded, format: 'module', shortCircuit: true };
  }
  return next(url, context);
};
