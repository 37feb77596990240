import { CtxkitError } from '@ctxkit/core';
import { readDataBinary } from '../data-files.js';
import { LeanEngine } from '../lean/lean-engine.js';
import { readLeanFile } from '../lean/lean-file.js';
import type { VocabularyId } from '../vocabularies.js';
import type { TextEngine } from './text-engine.js';

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

/** The vocabularies counted exactly, by an engine over a data file. */
export type ExactVocabulary = Exclude<VocabularyId, 'claude' | 'fallback'>;

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

/**
 * Builds a new engine for an exact vocabulary; the caller owns it until it calls `free()`.
 * Nothing here is shared or reference-counted: sharing one loaded vocabulary between
 * callers is `@ctxkit/pool`'s job.
 * @throws {CtxkitError} `TOKENIZER_LOAD_FAILED` when the data cannot be read or is corrupt.
 */
export function loadEngine(vocabulary: ExactVocabulary): TextEngine {
  try {
    // harmony = o200k_base ranks + control tokens; content never holds those, so one file serves both.
    return loadLeanEngine(vocabulary === 'o200k_harmony' ? 'o200k_base' : vocabulary);
  } catch (cause) {
    if (cause instanceof CtxkitError) throw cause;
    throw new CtxkitError(
      'TOKENIZER_LOAD_FAILED',
      `Cannot load the ${vocabulary} vocabulary`,
      { vocabulary },
      { cause },
    );
  }
}
