// Inlined by the bundler at build time, so the version printed is the one built and published.
import manifest from '../package.json';

/** This package's version, from its package.json. */
export const VERSION: string = manifest.version;
