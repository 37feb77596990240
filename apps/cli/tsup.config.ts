import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

// One config (two would race on `clean`): the library entry is dual ESM + CJS
// with types like every ctxkit package; `cli` is the executable (the bin points
// at its ESM build; tsup keeps the hashbang and marks it executable).
export default defineConfig({
  ...packageBuild,
  entry: ['src/index.ts', 'src/cli.ts'],
  dts: { entry: 'src/index.ts' },
  // import.meta.url in the CJS build (the embedded demo transcript is found relative to the bundle).
  shims: true,
});
