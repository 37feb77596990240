// Shared body of the parity suites: ctxkit ids and counts vs an independent reference.
import { createVocabularyTokenizer, type VocabularyId } from '../src/index.js';
import { EDGE_CASES, longLine, transcriptCorpus } from './corpus.js';
import type { Reference } from './references.js';

/** A mismatch, described so a failure message says where to look. */
export interface Mismatch {
  sample: number;
  preview: string;
  kind: 'ids' | 'count';
  at?: number;
  ours?: number[];
  reference?: number[];
}

function firstDifference(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/**
 * Compares `encode` (ids) and `countTokens` (count) with the reference on the transcript
 * corpus, the edge cases and one long single line of `longLineChars` characters.
 */
export async function runParity(
  vocabulary: VocabularyId,
  reference: Reference,
  longLineChars: number,
): Promise<{ samples: number; chars: number; tokens: number; mismatches: Mismatch[] }> {
  const tokenizer = createVocabularyTokenizer(vocabulary);
  const samples = [...transcriptCorpus(), ...EDGE_CASES, longLine(longLineChars)];
  const mismatches: Mismatch[] = [];
  let chars = 0;
  let tokens = 0;
  try {
    for (const [i, text] of samples.entries()) {
      chars += text.length;
      const ours = tokenizer.encode(text);
      const ref = await reference.encode(text);
      tokens += ref.length;
      const at = firstDifference(ours, ref);
      const preview = JSON.stringify(text.slice(0, 60));
      if (at >= 0) {
        mismatches.push({
          sample: i,
          preview,
          kind: 'ids',
          at,
          ours: ours.slice(Math.max(0, at - 3), at + 5),
          reference: ref.slice(Math.max(0, at - 3), at + 5),
        });
      }
      const count = tokenizer.countTokens(text);
      if (count !== ref.length)
        mismatches.push({ sample: i, preview, kind: 'count', ours: [count], reference: [ref.length] });
      if (mismatches.length > 10) break;
    }
  } finally {
    tokenizer.free();
    reference.free();
  }
  return { samples: samples.length, chars, tokens, mismatches };
}
