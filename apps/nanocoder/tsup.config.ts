import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig([
  // The library and the `--import` entry, dual ESM + CJS.
  { ...packageBuild, entry: ['src/index.ts', 'src/register.ts'], shims: true },
  // Loaded by URL from register (loader thread / shims) and the bin: ESM only.
  {
    ...packageBuild,
    entry: ['src/loader-hooks.ts', 'src/runtime.ts', 'src/bin.ts'],
    format: ['esm'],
    dts: false,
    clean: false,
  },
]);
