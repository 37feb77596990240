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

const SHIM = 'ctxkit-shim';
const ORIGINAL = 'ctxkit-original';
let data: HookData = { targets: {}, runtimeUrl: '', rootUrl: '' };

export const initialize: InitializeHook<HookData> = (d) => {
  data = d;
};

export const resolve: ResolveHook = async (specifier, context, next) => {
  const resolved = await next(specifier, context);
  // Only the exact original URL is redirected; `?ctxkit-original` (what the
  // shim itself imports) and everything else pass through.
  if (data.targets[resolved.url] !== undefined) {
    return { ...resolved, url: `${resolved.url}?${SHIM}`, shortCircuit: true };
  }
  return resolved;
};

/** Source of the shim that stands in for `original`. */
export function shimSource(original: string, key: string, replaces: readonly string[], runtimeUrl: string): string {
  const o = JSON.stringify(`${original}?${ORIGINAL}`);
  const lines = [
    `import * as original from ${o};`,
    `import { install } from ${JSON.stringify(runtimeUrl)};`,
    `export * from ${o};`,
    `const replaced = install(${JSON.stringify(key)}, original, ${JSON.stringify(data.rootUrl)});`,
  ];
  // Explicit exports shadow the `export *` above, so only these names change.
  for (const name of replaces) lines.push(`export const ${name} = replaced[${JSON.stringify(name)}];`);
  return `${lines.join('\n')}\n`;
}

export const load: LoadHook = async (url, context, next) => {
  const q = url.indexOf(`?${SHIM}`);
  if (q !== -1) {
    const original = url.slice(0, q);
    const target = data.targets[original];
    if (target !== undefined) {
      return {
        format: 'module',
        source: shimSource(original, target.key, target.replaces, data.runtimeUrl),
        shortCircuit: true,
      };
    }
  }
  return next(url, context);
};
