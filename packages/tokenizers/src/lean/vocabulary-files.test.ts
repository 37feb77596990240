// The committed vocabulary files must be exactly what scripts/build-vocabularies.ts makes
// from the pinned sources: rebuild the small ones, and Gemma 3 (the most involved), byte for byte.
import { describe, expect, it } from 'vitest';
import { SOURCES } from '../../scripts/build-vocabularies.js';
import { buildVocabularyFile } from '../../scripts/lib/vocabulary-build.js';
import { readDataBinary } from '../data-files.js';

describe('committed vocabulary files are up to date', () => {
  it.each(['cl100k_base', 'tekken', 'mistral_v1', 'gemma3'])(
    '%s rebuilds byte-identical',
    (name) => {
      const built = buildVocabularyFile(SOURCES[name]!());
      const committed = readDataBinary(`${name}.bin`);
      expect(built.length).toBe(committed.length);
      expect(Buffer.compare(Buffer.from(built), committed)).toBe(0);
    },
    60_000,
  );
});
