import { CtxkitError } from './errors.js';

/**
 * The known name closest to `name` by edit distance (case-insensitive), for a "did you mean" hint;
 * failing that, a known name that `name` abbreviates (`vocab` → `vocabulary`, three characters at
 * least); `undefined` when there is neither.
 *
 * @param name - the name that was not recognised, e.g. `maxTokns`
 * @param known - the names that are accepted
 * @param maxDistance - the most insertions, deletions or substitutions a match may need (default 3)
 * @example
 * ```ts
 * nearestName('treshold', ['enabled', 'threshold']); // → 'threshold'
 * nearestName('vocab', ['vocabulary']); // → 'vocabulary'
 * nearestName('zzz', ['enabled', 'threshold']); // → undefined
 * ```
 */
export function nearestName(name: string, known: readonly string[], maxDistance = 3): string | undefined {
  const a = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const candidate of known) {
    const b = candidate.toLowerCase();
    // Lengths alone already exceed the best distance found: skip the table.
    if (Math.abs(a.length - b.length) >= bestDistance) continue;
    const distance = editDistance(a, b);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  if (best !== undefined || a.length < 3) return best;
  return known.find((candidate) => candidate.toLowerCase().startsWith(a));
}

// Levenshtein distance, one row at a time. Option names are short; a 10 MB key is cut first.
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length] as number;
}

/** An unknown key is quoted up to this many characters in the error message and details. */
const QUOTED_KEY_MAX_CHARS = 80;

/**
 * Refuses an options object with a key it does not know. A misspelt option must fail loudly: a store
 * given `{ dir }` instead of `{ directory }` would otherwise write to the default store, a cache given
 * `{ maxEntires }` would silently keep its default size. Write `known` as
 * `{ key: true, … } satisfies Record<keyof Options, true>`, so adding an option to the interface without
 * listing it fails the typecheck.
 *
 * @param options - what the caller passed (`undefined` is accepted: every option is optional)
 * @param known - every accepted key
 * @param what - the options' name, for the message (e.g. `JsonlUsageStore options`)
 * @throws {CtxkitError} `INVALID_ARGUMENT` for a non-object or an unknown key (details: `option`, `accepted`,
 * and `suggestion` when a known key is within three edits)
 * @example
 * ```ts
 * const KEYS = { maxEntries: true, maxBytes: true } satisfies Record<keyof CacheOptions, true>;
 * checkOptionKeys({ maxEntires: 10 }, KEYS, 'cache options');
 * // throws INVALID_ARGUMENT: unknown cache options key "maxEntires" (did you mean "maxEntries"?); accepted: maxEntries, maxBytes
 * ```
 */
export function checkOptionKeys(options: unknown, known: Record<string, true>, what: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new CtxkitError('INVALID_ARGUMENT', `${what} must be an object`);
  }
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(known, key)) continue;
    const accepted = Object.keys(known);
    const quoted = key.length > QUOTED_KEY_MAX_CHARS ? `${key.slice(0, QUOTED_KEY_MAX_CHARS)}…` : key;
    const suggestion = key.length > QUOTED_KEY_MAX_CHARS ? undefined : nearestName(key, accepted);
    throw new CtxkitError(
      'INVALID_ARGUMENT',
      `unknown ${what} key "${quoted}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; accepted: ${accepted.join(', ')}`,
      suggestion ? { option: quoted, accepted, suggestion } : { option: quoted, accepted },
    );
  }
}
