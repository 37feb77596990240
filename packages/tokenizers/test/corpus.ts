// Test and benchmark corpus (not part of the public surface): real transcript text plus
// the edge cases the parity suite must cover.
import { loadTranscripts } from '@ctxkit/test-utils';

/** Every text a provider would tokenize in a transcript message. */
// biome-ignore lint/suspicious/noExplicitAny: transcript messages are untyped test data
function messageTexts(m: any): string[] {
  const out: string[] = [];
  if (typeof m.content === 'string') out.push(m.content);
  else if (Array.isArray(m.content))
    for (const p of m.content) if (typeof p?.text === 'string') out.push(p.text);
  for (const c of m.tool_calls ?? []) {
    const a = c?.function?.arguments;
    out.push(typeof a === 'string' ? a : JSON.stringify(a));
  }
  if (typeof m.reasoning === 'string') out.push(m.reasoning);
  return out.filter((t) => t.length > 0);
}

/**
 * Transcript texts, taken round-robin across transcripts (so every agent and language is
 * represented) until `budget` characters; each text is capped at `maxText` characters.
 */
export function transcriptCorpus(budget = 300_000, maxText = 6_000): string[] {
  const queues = loadTranscripts().map((t) => t.messages.flatMap(messageTexts));
  const out: string[] = [];
  let size = 0;
  for (let round = 0; size < budget; round++) {
    let any = false;
    for (const q of queues) {
      const text = q[round];
      if (text === undefined) continue;
      any = true;
      const piece = text.slice(0, maxText);
      out.push(piece);
      size += piece.length;
      if (size >= budget) break;
    }
    if (!any) break;
  }
  return out;
}

/** Every transcript text, uncapped (benchmarks). */
export function allTranscriptTexts(): string[] {
  return loadTranscripts().flatMap((t) => t.messages.flatMap(messageTexts));
}

/** Special-token strings of every family, which must count as ordinary text. */
export const SPECIAL_TOKEN_STRINGS = [
  '<|endoftext|>',
  '<|im_start|>user\nhi<|im_end|>',
  '<|start|>assistant<|channel|>analysis<|message|>x<|end|>',
  '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>',
  '<bos><start_of_turn>user\nhi<end_of_turn>',
  '<s>[INST] hi [/INST]</s>',
  '[TOOL_CALLS][AVAILABLE_TOOLS]',
  '<｜begin▁of▁sentence｜><｜User｜>hi<｜Assistant｜>',
  '<|fim_prefix|><|fim_middle|><|fim_suffix|>',
];

/** Edge cases: scripts, emoji sequences, invalid UTF-16, BOM, whitespace runs, normalization. */
export const EDGE_CASES: readonly string[] = [
  '',
  ' ',
  '\n',
  '日本語のテキストと中文文本，还有한국어 텍스트。',
  '数学：∑_{i=1}^{n} i² = n(n+1)(2n+1)/6；代码 `const 变量 = 42;`',
  '👨‍👩‍👧‍👦 family, 🏳️‍🌈 flag, 👍🏽 skin tone, 🧑‍💻 coder, 1️⃣ keycap, 🇺🇸🇯🇵 flags',
  'lone high \ud800 and lone low \udc00 and reversed \udc00\ud800 end',
  '\ud83d',
  'trailing high surrogate \udbff',
  '\ufeffBOM at start, and \ufeff in the middle',
  '   leading and trailing   ',
  'tabs\t\t\tand\r\nCRLF\r\n\r\nlines\n\n\n\n\nmany',
  ' '.repeat(1000),
  '\t'.repeat(257),
  `${'\n'.repeat(300)}x`,
  'Cafe\u0301 résumé naïve (NFD: e\u0301)',
  'Café résumé naïve (NFC)',
  '한국어'.normalize('NFD'),
  'Ελληνικά, русский, עברית, العربية, हिन्दी, ไทย',
  'zero\u200bwidth\u200cnon\u200djoiner\u2060word',
  // js-tiktoken's merge is quadratic in a piece's length: 2,000 keeps the suite fast.
  'a'.repeat(2000),
  '1234567890'.repeat(50),
  'https://example.com/path?query=1&x=%20#frag',
  '{"key":"value","nested":{"array":[1,2,3,null,true]}}',
  // Gemma 3's one token across a word cut ('>▁</'), in and around markup.
  '<td> </td><b>x</b> </i>> </ </',
  ...SPECIAL_TOKEN_STRINGS,
];

/**
 * One long line without newlines: transcript text joined by spaces, cut to `chars`.
 * The parity suite uses 1 MB on the fast (tiktoken) vocabularies and 64 KB on the
 * tokenizer.json vocabularies, whose JS engine runs ~0.5 MB/s.
 */
export function longLine(chars: number): string {
  const parts: string[] = [];
  let size = 0;
  for (const t of allTranscriptTexts()) {
    const flat = t.replace(/[\r\n]+/g, ' ');
    parts.push(flat);
    size += flat.length + 1;
    if (size >= chars) break;
  }
  let line = parts.join(' ');
  while (line.length < chars) line += ` ${line}`;
  return line.slice(0, chars);
}
