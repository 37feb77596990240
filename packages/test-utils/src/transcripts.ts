// The real transcripts every suite replays.
// Uses the full set in ../shared/data/transcripts when present (developer
// machines and CI), else the sample committed in fixtures/transcripts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Repository root. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const SHARED = resolve(REPO_ROOT, '../shared/data/transcripts');
const SAMPLE = resolve(REPO_ROOT, 'fixtures/transcripts');

/** One provider-reported usage record (`*.usage.jsonl`). */
export interface UsageRecord {
  message_index: number;
  prompt_tokens: number;
  output_tokens: number;
  raw: Record<string, number>;
}

/** A transcript: its name, messages (our shape) and usage sidecar when there is one. */
export interface Transcript {
  name: string;
  file: string;
  // biome-ignore lint/suspicious/noExplicitAny: test data is checked by the tests themselves
  messages: any[];
  usage: UsageRecord[] | undefined;
}

/** The folder the transcripts come from. */
export function transcriptDir(): string {
  return existsSync(SHARED) ? SHARED : SAMPLE;
}

/** Whether the full shared set is available (else the committed sample is used). */
export function usingFullSet(): boolean {
  return existsSync(SHARED);
}

function readJsonl(file: string): unknown[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l));
}

/** Loads every transcript (sorted by name). */
export function loadTranscripts(dir: string = transcriptDir()): Transcript[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl') && !f.endsWith('.usage.jsonl'))
    .sort()
    .map((f) => {
      const file = join(dir, f);
      const usageFile = file.replace(/\.jsonl$/, '.usage.jsonl');
      return {
        name: f.replace(/\.jsonl$/, ''),
        file,
        messages: readJsonl(file),
        usage: existsSync(usageFile) ? (readJsonl(usageFile) as UsageRecord[]) : undefined,
      };
    });
}
