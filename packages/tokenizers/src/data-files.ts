import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import { CtxkitError } from '@ctxkit/core';

// tsup's `shims` provide `import.meta.url` in the CJS build.
// This file sits in `src/` (sources) and is bundled into `dist/index.*`; both are one
// level below the package root, so `../data/` is the package's shipped data folder.
const DATA_DIR = new URL('../data/', import.meta.url);

/** Reads and decompresses one brotli-compressed data file shipped in the package's `data/` folder. */
export function readDataFile(name: string): string {
  const url = new URL(name, DATA_DIR);
  try {
    return brotliDecompressSync(readFileSync(url)).toString('utf8');
  } catch (cause) {
    throw new CtxkitError(
      'TOKENIZER_LOAD_FAILED',
      `Cannot read vocabulary data ${name} from ${url.pathname}; reinstall @ctxkit/tokenizers`,
      { file: name },
      { cause },
    );
  }
}

/** Reads one binary file shipped in the package's `data/` folder (a compact vocabulary). */
export function readDataBinary(name: string): Buffer {
  const url = new URL(name, DATA_DIR);
  try {
    return readFileSync(url);
  } catch (cause) {
    throw new CtxkitError(
      'TOKENIZER_LOAD_FAILED',
      `Cannot read vocabulary file ${name} from ${url.pathname}; reinstall @ctxkit/tokenizers`,
      { file: name },
      { cause },
    );
  }
}
