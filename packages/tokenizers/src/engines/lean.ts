import { CtxkitError } from '@ctxkit/core';
import { readDataBinary } from '../data-files.js';
import { LeanEngine } from '../lean/lean-engine.js';
import { readLeanFile } from '../lean/lean-file.js';

/** Vocabulary files shipped in `data/` (built by scripts/build-vocabularies.ts). */
export type LeanFile =
  | 'o200k_base'
  | 'cl100k_base'
  | 'tekken'
  | 'llama3'
  | 'qwen2'
  | 'deepseek_v3'
  | 'gemma3'
  | 'mistral_v1';

/** Loads a packed vocabulary file: one read, typed-array views, no parsing of the vocabulary. */
export function loadLeanEngine(file: LeanFile): LeanEngine {
  const data = readDataBinary(`${file}.bin`);
  try {
    return new LeanEngine(readLeanFile(data));
  } catch (cause) {
    throw new CtxkitError(
      'TOKENIZER_LOAD_FAILED',
      `Vocabulary file ${file}.bin is corrupt; reinstall @ctxkit/tokenizers`,
      { file },
      { cause },
    );
  }
}
