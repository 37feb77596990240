// Calibrates the Claude estimate and writes src/estimate/claude-coefficients.ts,
// then prints the held-out evaluation.
//
//   pnpm -F @ctxkit/tokenizers exec tsx scripts/calibrate-claude.ts [--check]
//
// 1. Character-class coefficients for the Claude-2 tokenizer (@anthropic-ai/tokenizer,
//    the last vocabulary Anthropic published) are fitted on the fallback corpus, so every
//    script is covered.
// 2. On the provider usage of Claude 4.x transcripts (*.usage.jsonl), each span between
//    two consecutive calls gives a measured count; NNLS on the dev spans fits
//    measured ≈ α·(Claude-2 estimate of the span's texts) + framing per new message,
//    per tool call and per tool result (relative error).
// 3. Claude coefficients = α × Claude-2 coefficients; framing = the fitted constants.
// Held out: one span in three (hash of transcript and position). `--check` evaluates
// the committed data without rewriting it.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadTranscripts, transcriptDir, usingFullSet } from '@ctxkit/test-utils';
import { CLAUDE_COEFFICIENTS, CLAUDE_SPAN_FRAMING } from '../src/estimate/claude-coefficients.js';
import { charCostsFor } from '../src/estimate/estimator-data.js';
import { CLAUDE_SET, estimateWith } from '../src/estimate/fallback.js';
import { extractFeatures, FEATURE_COUNT, FEATURE_NAMES } from '../src/estimate/features.js';
import { claudeSpans, type Span } from './lib/claude-spans.js';
import { buildCorpus } from './lib/corpus.js';
import { finishCoefficients, fitCoefficients } from './lib/fit.js';
import { formatGenerated } from './lib/format-generated.js';
import { nnls } from './lib/nnls.js';
import { claude2Counter } from './lib/reference.js';

const check = process.argv.includes('--check');
const transcripts = loadTranscripts();
const spans = claudeSpans(transcripts, transcriptDir());
const dev = spans.filter((s) => s.split === 'dev');
const test = spans.filter((s) => s.split === 'test');
console.log(
  `${usingFullSet() ? 'shared transcripts' : 'committed sample'}: ${spans.length} spans (${dev.length} dev, ${test.length} held out)`,
);

// Claude-2 coefficients (no usage data involved: the last public Claude tokenizer, on the
// fallback corpus), then each span's Claude-2 estimate split into feature groups whose
// Claude/Claude-2 ratio may differ: words and letters, code punctuation and digits,
// whitespace. Everything else (other scripts, emoji, symbols) is too rare in the sessions
// to measure and keeps the overall factor α.
const corpus = buildCorpus(transcripts, 'dev');
// Claude has no public vocabulary, so no character cost table of its own: the generic one.
const costs = charCostsFor(CLAUDE_SET.costs);
const c2 = fitCoefficients(
  corpus,
  corpus.map((s) => claude2Counter(s.text)),
  costs,
);
const GROUPS: string[][] = [
  [
    'lower',
    'upper',
    'words',
    'snakeWords',
    'longWord',
    'hump',
    'latinExt',
    'latinExtA',
    'latinVi',
    'latinSwitch',
  ],
  ['digits', 'digitRuns', 'alnumSwitch', 'punct', 'punctRuns', 'snakeJoints'],
  ['spaces', 'wsRun2', 'wsLong', 'tabs', 'newlines', 'newlineRuns'],
];
const groupOf = FEATURE_NAMES.map((n) => GROUPS.findIndex((g) => g.includes(n)));
const scratch = new Float64Array(FEATURE_COUNT);
const sums = new Map<Span, number[]>(); // per span: [group 0, 1, 2, rest]
for (const sp of spans) {
  const g = [0, 0, 0, 0];
  for (const t of sp.texts) {
    extractFeatures(t, scratch, costs);
    for (let i = 0; i < FEATURE_COUNT; i++) {
      const k = groupOf[i] as number;
      g[k < 0 ? 3 : k]! += (scratch[i] as number) * (c2[i] as number);
    }
  }
  sums.set(sp, g);
}

interface SpanModel {
  coefficients: number[];
  framing: { perMessage: number; perToolCall: number; perToolResult: number };
  summary: string;
}

/** Fits the Claude factors and framing on a set of spans. */
function fitOn(set: Span[], log: (line: string) => void): SpanModel {
  const e2 = (sp: Span) => (sums.get(sp) as number[]).reduce((a, b) => a + b, 0);
  const frame = (sp: Span) => [sp.messages, sp.toolCalls, sp.toolResults];
  const fitSpans = (fitSet: Span[]) =>
    nnls(
      fitSet.map((sp) => [e2(sp), ...frame(sp)]),
      fitSet.map((sp) => sp.actual),
      fitSet.map((sp) => 1 / sp.actual),
    ) as [number, number, number, number];
  const predict = (sp: Span, x: number[]) =>
    [e2(sp), ...frame(sp)].reduce((sum, v, i) => sum + v * (x[i] as number), 0);
  // Robust refit: spans whose measured size is off by more than 1.5× from a first fit
  // carry content the transcript lacks (images, thinking) or lost content.
  const first = fitSpans(set);
  const inliers = set.filter((sp) => Math.abs(Math.log(predict(sp, first) / sp.actual)) < Math.log(1.5));
  log(`robust refit on ${inliers.length} of ${set.length} spans`);
  const [alpha, ...framed] = fitSpans(inliers) as [number, number, number, number];
  // Per-group factors, the rest fixed at α.
  const grouped = nnls(
    inliers.map((sp) => [...(sums.get(sp) as number[]).slice(0, 3), ...frame(sp)]),
    inliers.map((sp) => sp.actual - alpha * ((sums.get(sp) as number[])[3] as number)),
    inliers.map((sp) => 1 / sp.actual),
  );
  const fitError = (pred: (sp: Span) => number) => {
    const e = inliers.map((sp) => Math.abs(pred(sp) - sp.actual) / sp.actual).sort((a, b) => a - b);
    return e[Math.floor(e.length / 2)] as number;
  };
  const single = fitError((sp) => predict(sp, [alpha, ...framed]));
  const perGroup = fitError(
    (sp) =>
      alpha * ((sums.get(sp) as number[])[3] as number) +
      [...(sums.get(sp) as number[]).slice(0, 3), ...frame(sp)].reduce(
        (sum, v, i) => sum + v * (grouped[i] as number),
        0,
      ),
  );
  log(
    `single factor α = ${alpha.toFixed(4)}: median error on the fitted spans ${(single * 100).toFixed(2)}%`,
  );
  log(
    `group factors ${grouped
      .slice(0, 3)
      .map((x) => x.toFixed(3))
      .join(' / ')}: median error on the fitted spans ${(perGroup * 100).toFixed(2)}%`,
  );
  const useGroups = perGroup < single;
  const factors = useGroups ? grouped.slice(0, 3) : [alpha, alpha, alpha];
  const [perMessage, perToolCall, perToolResult] = (useGroups ? grouped.slice(3) : framed) as [
    number,
    number,
    number,
  ];
  log(
    `chosen: ${useGroups ? 'group factors' : 'single factor'}; per message ${perMessage.toFixed(2)}, per tool call ${perToolCall.toFixed(2)}, per tool result ${perToolResult.toFixed(2)}`,
  );
  return {
    coefficients: finishCoefficients(
      c2.map((c, i) => c * ((groupOf[i] as number) < 0 ? alpha : (factors[groupOf[i] as number] as number))),
    ),
    framing: {
      perMessage: Math.round(perMessage * 10) / 10,
      perToolCall: Math.round(perToolCall * 10) / 10,
      perToolResult: Math.round(perToolResult * 10) / 10,
    },
    summary: useGroups
      ? `group factors ${factors.map((x) => x.toFixed(4)).join(' / ')} (letters / punctuation+digits / whitespace), α = ${alpha.toFixed(4)} for the rest`
      : `α = ${alpha.toFixed(4)}`,
  };
}

let committed: SpanModel = {
  coefficients: [...CLAUDE_COEFFICIENTS],
  framing: { ...CLAUDE_SPAN_FRAMING },
  summary: '',
};
if (!check) {
  committed = fitOn(dev, (line) => console.log(`dev fit: ${line}`));
  const out = resolve(import.meta.dirname, '../src/estimate/claude-coefficients.ts');
  writeFileSync(
    out,
    `// GENERATED by packages/tokenizers/scripts/calibrate-claude.ts — do not edit by hand.
// Data: ${usingFullSet() ? 'the shared transcripts (../shared/data/transcripts)' : 'the committed transcript sample'}: ${dev.length} dev spans of
// Claude 4.x usage (prompt_tokens growth between consecutive calls); ${committed.summary} × the
// character-class fit of the Claude-2 tokenizer on the fallback corpus (scripts/lib/corpus.ts).
// Feature order: src/estimate/features.ts FEATURE_NAMES.

/** Claude 4.x token cost per character-class feature. */
export const CLAUDE_COEFFICIENTS: readonly number[] = [${committed.coefficients.join(', ')}];

/** Fitted framing of a conversation span (tokens per new API message, tool call, tool result). */
export const CLAUDE_SPAN_FRAMING = ${JSON.stringify(committed.framing)} as const;
`,
  );
  formatGenerated(out);
  console.log(`wrote ${out}`);
}
// The other fold of a 2-fold cross-validation: fitted on the held-out spans, evaluated on
// the dev spans. With 4–9 large spans per model, one fold's median moves by points when one
// span changes; both folds together give each model twice the evaluated spans.
const swapped = fitOn(test, () => {});

// Held-out evaluation, per model, on spans over 2,000 measured tokens (and on all).
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : s.length % 2
      ? (s[(s.length - 1) / 2] as number)
      : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const estimate = (m: SpanModel) => {
  const set = { ...CLAUDE_SET, coefficients: m.coefficients };
  return (s: Span) =>
    s.texts.reduce((sum, t) => sum + estimateWith(t, set), 0) +
    m.framing.perMessage * s.messages +
    m.framing.perToolCall * s.toolCalls +
    m.framing.perToolResult * s.toolResults;
};
const ours = estimate(committed);
const claude2 = (s: Span) => s.texts.reduce((sum, t) => sum + claude2Counter(t), 0);
const chars4 = (s: Span) => s.texts.reduce((sum, t) => sum + t.length, 0) / 4;
const methods = { 'ctxkit estimate': ours, 'Claude-2 tokenizer (raw)': claude2, 'chars/4': chars4 };
const lines = ['| model | spans | ' + Object.keys(methods).join(' | ') + ' |', '|---|---|---|---|---|'];
for (const [label, min] of [
  ['> 2,000 tokens', 2000],
  ['all sizes', 0],
] as const) {
  for (const model of [...new Set(spans.map((s) => s.model))].sort()) {
    const set = test.filter((s) => s.model === model && s.actual > min);
    const cells = Object.values(methods).map((m) => {
      const errs = set.map((s) => Math.abs(m(s) - s.actual) / s.actual);
      const bias = median(set.map((s) => m(s) / s.actual));
      return `${(median(errs) * 100).toFixed(1)}% (×${bias.toFixed(2)})`;
    });
    lines.push(`| ${model} ${label} | ${set.length} | ${cells.join(' | ')} |`);
  }
}
console.log('held-out median |error| (median estimate/actual ratio)');
console.log(lines.join('\n'));

// 2-fold cross-validation: the committed fit on the held-out spans plus the swapped fit
// (held-out spans → dev spans), so every span of a model is evaluated once, by a fit that
// never saw it.
const swappedEstimate = estimate(swapped);
const cv = [
  '| model | spans evaluated | ctxkit estimate | Claude-2 tokenizer (raw) | chars/4 |',
  '|---|---|---|---|---|',
];
for (const model of [...new Set(spans.map((s) => s.model))].sort()) {
  const set = spans.filter((s) => s.model === model && s.actual > 2000);
  const byFold = (s: Span) => (s.split === 'test' ? ours(s) : swappedEstimate(s));
  const cells = [byFold, claude2, chars4].map((m) => {
    const errs = set.map((s) => Math.abs(m(s) - s.actual) / s.actual);
    return `${(median(errs) * 100).toFixed(1)}% (×${median(set.map((s) => m(s) / s.actual)).toFixed(2)})`;
  });
  cv.push(`| ${model} > 2,000 tokens | ${set.length} | ${cells.join(' | ')} |`);
}
console.log('2-fold cross-validated median |error| on spans > 2,000 tokens (median estimate/actual ratio)');
console.log(cv.join('\n'));
