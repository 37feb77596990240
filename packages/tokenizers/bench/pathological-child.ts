// One fresh process per vocabulary: seconds to count 10 MB of realistic text (the
// transcripts, repeated) and 10 MB of each pathological input in the same process, so each
// ratio is against a baseline of the same run.
import { createVocabularyTokenizer, type VocabularyId } from '../src/index.js';
import { allTranscriptTexts } from '../test/corpus.js';
import { PATHOLOGICAL, SIZE } from './pathological-inputs.js';

const vocabulary = process.argv[2] as VocabularyId;
let realistic = allTranscriptTexts().join('\n');
while (realistic.length < SIZE) realistic += `\n${realistic}`;
realistic = realistic.slice(0, SIZE);
const t = createVocabularyTokenizer(vocabulary);
t.preload();
t.countTokens('warm up');
/** Seconds to count `text`; NaN (printed `-`) when counting throws, e.g. V8's regexp stack on one 10 M-char CJK piece. */
const seconds = (text: string) => {
  const start = performance.now();
  try {
    t.countTokens(text);
  } catch (error) {
    process.stderr.write(`${vocabulary}: ${(error as Error).message}\n`);
    return Number.NaN;
  }
  return (performance.now() - start) / 1000;
};
const result: Record<string, number> = { realistic: seconds(realistic) };
for (const [name, make] of Object.entries(PATHOLOGICAL)) result[name] = seconds(make());
process.stdout.write(JSON.stringify(result));
