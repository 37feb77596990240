// ARCHITECTURE.md is the map a newcomer reads first: these checks keep it true. The dependency table
// must match every package.json, and every file the concept table names must exist.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const MAP = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
}

function workspacePackages(): { dir: string; manifest: Manifest }[] {
  return ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(ROOT, group))
      .filter((name) => existsSync(join(ROOT, group, name, 'package.json')))
      .map((name) => ({
        dir: `${group}/${name}`,
        manifest: JSON.parse(readFileSync(join(ROOT, group, name, 'package.json'), 'utf8')) as Manifest,
      })),
  );
}

/** The first fenced block: `<package>  <short names, comma-separated | —>`. */
function documentedDependencies(): Map<string, string[]> {
  const block = /```\n([\s\S]*?)```/.exec(MAP)?.[1] ?? '';
  const out = new Map<string, string[]>();
  for (const line of block.split('\n').slice(1)) {
    const match = /^(\S+)(?: \(\S+\))?\s+(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, name = '', rest = ''] = match;
    const deps = rest.startsWith('—') ? [] : (rest.split('(')[0] ?? '').split(',').map((d) => d.trim());
    out.set(name, deps.filter((d) => d !== '').sort());
  }
  return out;
}

describe('ARCHITECTURE.md', () => {
  it('lists every workspace package with exactly its workspace dependencies', () => {
    const documented = documentedDependencies();
    for (const { dir, manifest } of workspacePackages()) {
      const key = documented.has(manifest.name) ? manifest.name : dir;
      const actual = Object.keys(manifest.dependencies ?? {})
        .filter((d) => d.startsWith('@ctxkit/'))
        .map((d) => d.slice('@ctxkit/'.length))
        .sort();
      const listed = documented.get(key);
      expect({ package: key, deps: listed === undefined ? 'missing' : listed }).toEqual({
        package: key,
        deps: key === 'apps/docs' ? listed : actual,
      });
    }
  });

  it('names only files and folders that exist', () => {
    const paths = [...MAP.matchAll(/`((?:packages|apps|fixtures)\/[^`*]+)`/g)].map((m) => m[1] ?? '');
    expect(paths.length).toBeGreaterThan(20);
    const missing = paths.filter((p) => !existsSync(join(ROOT, p)));
    expect(missing).toEqual([]);
  });
});
