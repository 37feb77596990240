// One fresh process per vocabulary: CPU seconds to count 10 MB of realistic text (the
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
/**
 * CPU seconds (user + system of this process) to count `text`; NaN (printed `-`) when counting
 * throws. CPU time, not wall time: on a shared machine a wall clock mostly measures the other
 * processes (at load 12–17 the same o200k file gave 2.2 s and 3.8 s of realistic text in two children).
 */
const seconds = (text: string) => {
  const start = process.cpuUsage();
  try {
    t.countTokens(text);
  } catch (error) {
    process.stderr.write(`${vocabulary}: ${(error as Error).message}\n`);
    return Number.NaN;
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};
// Realistic text is timed first and again last; the baseline is the mean of the two, so a load
// change during the run moves baseline and inputs alike.
const first = seconds(realistic);
const result: Record<string, number> = {};
for (const [name, make] of Object.entries(PATHOLOGICAL)) result[name] = seconds(make());
result.realistic = (first + seconds(realistic)) / 2;
process.stdout.write(JSON.stringify(result));
