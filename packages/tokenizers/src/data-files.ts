import { readFileSync } from 'node:fs';
import { CtxkitError } from '@ctxkit/core';

// tsup's `shims` provide `import.meta.url` in the CJS build.
// This file sits in `src/` (sources) and is bundled into `dist/index.*`; both are one
// level below the package root, so `../data/` is the package's shipped data folder.
const DATA_DIR = new URL('../data/', import.meta.url);

/** Reads one binary file shipped in the package's `data/` folder (a packed vocabulary, the estimators' tables). */
export function readDataBinary(name: string): Buffer {
  const url = new URL(name, DATA_DIR);
  try {
    return readFileSync(url);
  } catch (cause) {
    throw new CtxkitError(
      'TOKENIZER_LOAD_FAILED',
      `Cannot read data file ${name} from ${url.pathname}; reinstall @ctxkit/tokenizers`,
      { file: name },
      { cause },
    );
  }
}
