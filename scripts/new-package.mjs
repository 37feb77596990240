#!/usr/bin/env node
// `pnpm new-package NAME [description]`: copies templates/package to packages/NAME.
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [name, ...rest] = process.argv.slice(2);
if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error('usage: pnpm new-package NAME [description]   (NAME: lowercase letters, digits, dashes)');
  process.exit(1);
}
const root = resolve(import.meta.dirname, '..');
const target = join(root, 'packages', name);
if (existsSync(target)) {
  console.error(`packages/${name} exists already`);
  process.exit(1);
}
cpSync(join(root, 'templates/package'), target, { recursive: true });
const description = rest.join(' ') || `ctxkit ${name}`;
const fill = (dir) => {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) fill(p);
    else
      writeFileSync(
        p,
        readFileSync(p, 'utf8').replaceAll('NAME', name).replaceAll('DESCRIPTION', description),
      );
  }
};
fill(target);
// The template devDepends on @ctxkit/test-utils (private, never packed) for the shared test helpers.
console.log(`created packages/${name}; next: pnpm install, then write src/index.ts and add a changeset`);
