/**
 * Why a summarizer's output cannot be used, or `undefined` when it looks like
 * a real summary: empty, mostly non-letters (binary or markup noise), control
 * characters, or a few words repeated over and over (a looping model).
 * @internal
 */
export function garbageReason(text: string): string | undefined {
  const t = text.trim();
  if (t.length === 0) return 'empty';
  if (/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(t)) return 'garbage: control or replacement characters';
  const letters = t.match(/\p{L}/gu)?.length ?? 0;
  if (letters / t.length < 0.35) return 'garbage: too few letters';
  const words = t.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
  if (words.length < 3) return 'garbage: too short to be a summary';
  if (words.length >= 40 && new Set(words).size / words.length < 0.12) return 'garbage: repetitive';
  return undefined;
}
