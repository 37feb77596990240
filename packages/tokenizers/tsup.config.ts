import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

// import.meta.url in the CJS build (the vocabulary files are resolved from it).
export default defineConfig({ ...packageBuild, shims: true });
