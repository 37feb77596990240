import { defineConfig } from 'tsup';

// One config (two would race on `clean`): the library entry is dual ESM + CJS
// with types like every ctxkit package; `cli` is the executable (the bin points
// at its ESM build; tsup keeps the hashbang and marks it executable).
export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
  // import.meta.url in the CJS build (the embedded demo transcript is found relative to the bundle).
  shims: true,
});
