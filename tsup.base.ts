import type { Options } from 'tsup';

/**
 * The build every ctxkit package shares: dual ESM + CJS with `.d.ts` / `.d.cts`,
 * sourcemaps, Node 20. Each package's tsup.config.ts spreads it and adds only
 * what differs (more entries, `shims` for `import.meta.url` in CJS).
 */
export const packageBuild: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
};
