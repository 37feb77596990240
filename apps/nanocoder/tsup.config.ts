import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library and the `--import` entry, dual ESM + CJS.
    entry: ['src/index.ts', 'src/register.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    shims: true,
    target: 'node20',
    splitting: false,
  },
  {
    // Loaded by URL from register (loader thread / shims) and the bin: ESM only.
    entry: ['src/loader-hooks.ts', 'src/runtime.ts', 'src/bin.ts'],
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'node20',
    splitting: false,
  },
]);
