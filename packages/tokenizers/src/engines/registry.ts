import { CtxkitError } from '@ctxkit/core';
import type { VocabularyId } from '../vocabularies.js';
import { loadLeanEngine } from './load-engine.js';
import type { TextEngine } from './text-engine.js';

export type ExactVocabulary = Exclude<VocabularyId, 'claude' | 'fallback'>;

function build(vocabulary: ExactVocabulary): TextEngine {
  // harmony = o200k_base ranks + control tokens; content never holds those, so one file serves both.
  return loadLeanEngine(vocabulary === 'o200k_harmony' ? 'o200k_base' : vocabulary);
}

// One engine per vocabulary data, shared by every tokenizer that uses it and released when
// the last one calls free(): creating a tokenizer per request never rebuilds a vocabulary.
const engines = new Map<string, { engine: TextEngine; refs: number }>();

const dataKey = (v: ExactVocabulary): string => (v === 'o200k_harmony' ? 'o200k_base' : v);

/** Takes a reference to a vocabulary's engine, building it on first use. */
export function acquireEngine(vocabulary: ExactVocabulary): TextEngine {
  const key = dataKey(vocabulary);
  let entry = engines.get(key);
  if (!entry) {
    try {
      entry = { engine: build(vocabulary), refs: 0 };
    } catch (cause) {
      if (cause instanceof CtxkitError) throw cause;
      throw new CtxkitError(
        'TOKENIZER_LOAD_FAILED',
        `Cannot load the ${vocabulary} vocabulary`,
        { vocabulary },
        { cause },
      );
    }
    engines.set(key, entry);
  }
  entry.refs++;
  return entry.engine;
}

/** Drops a reference; the engine is released when no tokenizer holds it. */
export function releaseEngine(vocabulary: ExactVocabulary, engine: TextEngine): void {
  const key = dataKey(vocabulary);
  const entry = engines.get(key);
  if (!entry || entry.engine !== engine) return;
  entry.refs--;
  if (entry.refs <= 0) {
    engines.delete(key);
    entry.engine.free?.();
  }
}

/** Vocabularies whose engine is currently loaded (for tests and diagnostics). */
export function loadedVocabularies(): string[] {
  return [...engines.keys()];
}
