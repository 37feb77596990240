// Writes data/char-costs.bin, the fallback estimator's character cost tables: for every
// vocabulary with fallback coefficients, the extra tokens (0–3) each covered code point
// costs on its own (scripts/lib/char-cost-build.ts; layout in src/estimate/char-costs.ts).
//
//   pnpm -F @ctxkit/tokenizers exec tsx --conditions=@ctxkit/source scripts/build-char-costs.ts
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CHAR_COST_SPAN } from '../src/estimate/char-costs.js';
import { charCostFile, measureCharCosts } from './lib/char-cost-build.js';

const extras = measureCharCosts();
for (const [v, extra] of Object.entries(extras))
  console.log(
    `${v}: mean extra over covered code points ${(extra.reduce((a, b) => a + b, 0) / CHAR_COST_SPAN).toFixed(3)}`,
  );
const out = resolve(import.meta.dirname, '../data/char-costs.bin');
writeFileSync(out, charCostFile(extras));
console.log(`wrote ${out}`);
