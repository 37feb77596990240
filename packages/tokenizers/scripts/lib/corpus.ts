// The calibration / held-out corpus of the fallback estimator: chunks of the real
// transcripts plus generated samples of every script and text class. Deterministic
// (seeded PRNG), so the fit script and the tests see the same samples.
import { mulberry32 } from '@ctxkit/test-utils';
import { pieceHash } from '../../src/estimate/piece-filter.js';
import { EMOJI, SEED_TEXT } from './seed-text.js';
import { UDHR_LANGUAGES, udhrUnits } from './udhr-text.js';

/** One corpus sample and its class. */
export interface Sample {
  cls: string;
  text: string;
  /** Where a script-class sample comes from: UDHR translations, else hand-written sentences. */
  udhr?: true;
}

/** Which half of the data: `dev` is fitted on, `test` is held out. */
export type Split = 'dev' | 'test';

/** A transcript as loaded by @ctxkit/test-utils transcripts (only what we read). */
export interface TranscriptLike {
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: transcript messages are loose JSON
  messages: any[];
}

/** FNV-1a 32-bit hash over UTF-16 code units (stable split keys): the estimator's piece hash. */
export const fnv1a = (s: string): number => pieceHash(s);

/** Held-out transcripts: one in three, by name hash. */
export function transcriptSplit(name: string): Split {
  return fnv1a(name) % 3 === 0 ? 'test' : 'dev';
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

// biome-ignore lint/suspicious/noExplicitAny: loose message JSON
function partText(content: any): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((p) => (typeof p === 'string' ? p : typeof p?.text === 'string' ? p.text : ''))
      .join('\n');
  return '';
}

/** All the text of a message: content, reasoning, tool-call names and arguments. */
// biome-ignore lint/suspicious/noExplicitAny: loose message JSON
export function messageTexts(m: any): string[] {
  const out: string[] = [];
  const c = partText(m?.content);
  if (c) out.push(c);
  if (typeof m?.reasoning === 'string' && m.reasoning) out.push(m.reasoning);
  for (const call of m?.tool_calls ?? []) {
    const fn = call?.function ?? call;
    if (fn?.name) out.push(String(fn.name));
    const args = fn?.arguments;
    if (typeof args === 'string') out.push(args);
    else if (args !== undefined) out.push(JSON.stringify(args));
  }
  return out;
}

/** Chunks of one transcript's text: lengths 100–4000 characters, at most `max` per transcript. */
export function transcriptChunks(t: TranscriptLike, max = 30): string[] {
  const text = t.messages.flatMap(messageTexts).join('\n');
  const r = mulberry32(fnv1a(t.name));
  const chunks: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    const len = Math.floor(100 * 40 ** r()); // log-uniform 100..4000
    chunks.push(text.slice(pos, pos + len));
    pos += len;
  }
  if (chunks.length <= max) return chunks;
  const step = chunks.length / max;
  return Array.from({ length: max }, (_, i) => chunks[Math.floor(i * step)] as string);
}

const WORDS = SEED_TEXT.english
  ?.join(' ')
  .toLowerCase()
  .split(/[^a-z]+/)
  .filter((w) => w.length > 1) as string[];

function ident(r: Rand, style = int(r, 0, 3)): string {
  const parts = Array.from({ length: int(r, 1, 3) }, () => pick(r, WORDS));
  if (style === 0) return parts.join('_');
  if (style === 1) return parts.map((p, i) => (i ? p[0]?.toUpperCase() + p.slice(1) : p)).join('');
  if (style === 2) return parts.map((p) => p[0]?.toUpperCase() + p.slice(1)).join('');
  return parts.join('_').toUpperCase();
}

function sentences(r: Rand, cls: string, split: Split, n: number): string[] {
  const all = SEED_TEXT[cls] as readonly string[];
  const pool = all.filter((_, i) => (i % 2 === 1) === (split === 'test'));
  return Array.from({ length: n }, () => pick(r, pool));
}

function codeSample(r: Rand, split: Split): string {
  const indent = pick(r, ['  ', '    ', '\t']);
  const lines: string[] = [];
  const lang = int(r, 0, 2);
  for (let f = int(r, 1, 4); f > 0; f--) {
    const name = ident(r, 1);
    const args = Array.from({ length: int(r, 0, 3) }, () => ident(r, 1));
    if (lang === 0) {
      lines.push(`// ${sentences(r, 'english', split, 1)[0]}`);
      lines.push(`export function ${name}(${args.map((a) => `${a}: number`).join(', ')}): string {`);
    } else if (lang === 1) {
      lines.push(`def ${ident(r, 0)}(${args.join(', ')}):`);
      lines.push(`${indent}"""${sentences(r, 'english', split, 1)[0]}"""`);
    } else {
      lines.push(`fn ${ident(r, 0)}(${args.map((a) => `${a}: &str`).join(', ')}) -> Result<(), Error> {`);
    }
    for (let s = int(r, 2, 8); s > 0; s--) {
      const depth = int(r, 1, 3);
      const pad = indent.repeat(depth);
      const k = int(r, 0, 4);
      if (k === 0)
        lines.push(`${pad}const ${ident(r, 1)} = ${ident(r, 1)}.${ident(r, 1)}(${int(r, 0, 9999)});`);
      else if (k === 1) lines.push(`${pad}if (${ident(r, 1)} >= ${int(r, 0, 512)}) {`);
      else if (k === 2) lines.push(`${pad}return \`${ident(r, 0)}-\${${ident(r, 1)}}\`;`);
      else if (k === 3)
        lines.push(
          `${pad}${ident(r, 3)}[${int(r, 0, 64)}] += ${ident(r, 1)} * 0x${int(r, 0, 65535).toString(16)};`,
        );
      else lines.push(`${pad}}`);
    }
    if (lang !== 1) lines.push('}');
    lines.push('');
  }
  return lines.join('\n');
}

function jsonValue(r: Rand, depth: number): unknown {
  const k = int(r, 0, depth > 2 ? 4 : 6);
  if (k === 0) return int(r, -1000, 100000);
  if (k === 1) return r() < 0.5;
  if (k === 2) return sentences(r, 'english', 'dev', 1)[0]?.slice(0, int(r, 5, 60));
  if (k === 3)
    return `${fnv1a(String(r())).toString(16)}-${int(r, 1000, 9999)}-${fnv1a(String(r())).toString(16)}`;
  if (k === 4) return Math.round(r() * 1e6) / 1e3;
  if (k === 5) return Array.from({ length: int(r, 0, 4) }, () => jsonValue(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = int(r, 1, 5); i > 0; i--) o[ident(r, int(r, 0, 1))] = jsonValue(r, depth + 1);
  return o;
}

function jsonSample(r: Rand): string {
  const v = jsonValue(r, 0);
  const obj = typeof v === 'object' && v !== null ? v : { [ident(r)]: v, [ident(r)]: jsonValue(r, 1) };
  return JSON.stringify(obj, null, r() < 0.3 ? undefined : r() < 0.5 ? 2 : 4);
}

function whitespaceSample(r: Rand, split: Split): string {
  const out: string[] = [];
  for (let i = int(r, 3, 25); i > 0; i--) {
    const k = int(r, 0, 4);
    if (k === 0) out.push(' '.repeat(int(r, 1, 40)) + ident(r));
    else if (k === 1) out.push('\t'.repeat(int(r, 1, 6)) + sentences(r, 'english', split, 1)[0]);
    else if (k === 2) out.push('\n'.repeat(int(r, 1, 6)));
    else if (k === 3)
      out.push(`| ${ident(r).padEnd(int(r, 10, 30))}| ${String(int(r, 0, 999)).padStart(int(r, 4, 12))} |`);
    else out.push(`${sentences(r, 'english', split, 1)[0]}${' '.repeat(int(r, 0, 8))}`);
  }
  return out.join('\n');
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function longLineSample(r: Rand, split: Split): string {
  const k = int(r, 0, 4);
  if (k === 0) return Array.from({ length: int(r, 200, 3000) }, () => pick(r, [...B64])).join('');
  if (k === 1)
    return Array.from({ length: int(r, 50, 600) }, () => int(r, 0, 255).toString(16).padStart(2, '0')).join(
      r() < 0.5 ? '' : ' ',
    );
  if (k === 2) return JSON.stringify(Array.from({ length: int(r, 3, 30) }, () => jsonValue(r, 1)));
  if (k === 3) return sentences(r, 'english', split, int(r, 10, 40)).join(' ');
  return `https://example.com/${ident(r)}?${Array.from({ length: int(r, 5, 40) }, () => `${ident(r, 1)}=${encodeURIComponent(sentences(r, 'english', split, 1)[0]?.slice(0, 30) ?? '')}`).join('&')}`;
}

function emojiSample(r: Rand, split: Split): string {
  const out: string[] = [];
  for (let i = int(r, 3, 60); i > 0; i--) {
    const k = int(r, 0, 3);
    if (k === 0) out.push(pick(r, WORDS));
    else if (k === 1) out.push(pick(r, EMOJI).repeat(int(r, 1, 3)));
    else if (k === 2) out.push(`${pick(r, EMOJI)} ${sentences(r, 'english', split, 1)[0]}`);
    else out.push(pick(r, EMOJI));
  }
  return out.join(r() < 0.5 ? ' ' : '');
}

const SCRIPT_CLASSES = [
  'cjk_zh',
  'cjk_ja',
  'cjk_ko',
  'cyrillic',
  'greek',
  'arabic',
  'hebrew',
  'devanagari',
  'thai',
  'latin_ext',
  'english',
];

/** Names of the generated classes. */
export const GENERATED_CLASSES = [
  ...SCRIPT_CLASSES,
  'code',
  'json',
  'whitespace',
  'longline',
  'emoji',
  'mixed',
];

/** Generated samples of every class (`perClass` of each). */
export function generatedSamples(split: Split, perClass: number): Sample[] {
  const out: Sample[] = [];
  for (const cls of GENERATED_CLASSES) {
    const r = mulberry32(fnv1a(`${cls}:${split}`));
    for (let i = 0; i < perClass; i++) {
      let text: string;
      if (SCRIPT_CLASSES.includes(cls)) {
        const sep =
          cls.startsWith('cjk_zh') || cls === 'cjk_ja' || cls === 'thai' ? '' : r() < 0.7 ? ' ' : '\n';
        text = sentences(r, cls, split, int(r, 1, 12)).join(sep);
      } else if (cls === 'code') text = codeSample(r, split);
      else if (cls === 'json') text = jsonSample(r);
      else if (cls === 'whitespace') text = whitespaceSample(r, split);
      else if (cls === 'longline') text = longLineSample(r, split);
      else if (cls === 'emoji') text = emojiSample(r, split);
      else {
        const parts: string[] = [];
        for (let j = int(r, 2, 6); j > 0; j--) {
          const k = int(r, 0, 3);
          if (k === 0) parts.push(sentences(r, pick(r, SCRIPT_CLASSES), split, int(r, 1, 3)).join(' '));
          else if (k === 1) parts.push(`\`\`\`\n${codeSample(r, split).slice(0, 400)}\n\`\`\``);
          else if (k === 2) parts.push(emojiSample(r, split).slice(0, 200));
          else parts.push(jsonSample(r).slice(0, 300));
        }
        text = parts.join('\n\n');
      }
      out.push({ cls, text });
    }
  }
  return out.concat(udhrSamples(split, perClass));
}

/**
 * Samples of real translated text for every script class (`perClass` each): 1–6 units
 * of one UDHR translation. Held-out samples use only odd-numbered units of each
 * translation, the fit only even ones.
 */
export function udhrSamples(split: Split, perClass: number): Sample[] {
  const out: Sample[] = [];
  for (const [cls, codes] of Object.entries(UDHR_LANGUAGES)) {
    const r = mulberry32(fnv1a(`${cls}:udhr:${split}`));
    for (let i = 0; i < perClass; i++) {
      const units = udhrUnits(pick(r, codes)).filter((_, j) => (j % 2 === 1) === (split === 'test'));
      const k = int(r, 1, 6);
      const start = int(r, 0, units.length - k);
      out.push({ cls, text: units.slice(start, start + k).join('\n'), udhr: true });
    }
  }
  return out;
}

/** The whole corpus of one split: transcript chunks plus generated samples. */
export function buildCorpus(
  transcripts: readonly TranscriptLike[],
  split: Split,
  options: { perClass?: number; chunksPerTranscript?: number } = {},
): Sample[] {
  const samples: Sample[] = [];
  for (const t of transcripts) {
    if (transcriptSplit(t.name) !== split) continue;
    for (const text of transcriptChunks(t, options.chunksPerTranscript ?? 30)) {
      if (text.length > 0) samples.push({ cls: 'transcript', text });
    }
  }
  return samples.concat(generatedSamples(split, options.perClass ?? 40));
}
