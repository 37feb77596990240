#!/usr/bin/env node
// Packs every publishable package (private ones, such as @ctxkit/test-utils, are skipped), lints
// the tarball (publint --strict, attw), then installs each package ALONE into an empty directory from tarballs only
// (its @ctxkit/* dependencies from their tarballs too) and loads it with both
// `import` and `require`. Users install one package at a time: this proves it works.
// The tarballs stay in node_modules/.cache/ctxkit-tarballs for the docs' samples test.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cleanEnv, packWorkspace, publishablePackages } from './pack-workspace.mjs';

const root = resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cleanEnv(),
  });

const pkgs = publishablePackages(root);

// Private workspace packages (@ctxkit/test-utils) are never packed: a published package may list one
// in devDependencies only, or its tarball would name a package the registry does not have.
const privateNames = new Set(
  ['packages', 'apps'].flatMap((group) =>
    existsSync(join(root, group))
      ? readdirSync(join(root, group))
          .map((name) => join(root, group, name, 'package.json'))
          .filter((file) => existsSync(file))
          .map((file) => JSON.parse(readFileSync(file, 'utf8')))
          .filter((manifest) => manifest.private)
          .map((manifest) => manifest.name)
      : [],
  ),
);
const leaks = pkgs.flatMap((p) =>
  ['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) =>
    Object.keys(p.manifest[field] ?? {})
      .filter((dep) => privateNames.has(dep))
      .map((dep) => `${p.manifest.name}: ${field} names the private ${dep} (devDependencies only)`),
  ),
);
if (leaks.length > 0) {
  console.error(`check:packages: ${leaks.join('\n')}`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'ctxkit-pack-'));
// Packages whose data files sit beside the bundle: each is used once from the installed
// tarball (ESM and CJS must print the same), so a data path that only works in the
// workspace fails here.
const SMOKE = {
  '@ctxkit/tokenizers': `JSON.stringify([m.createTokenizer('openai', 'gpt-4o').countTokens('hello world'), m.estimateTokens('héllo 世界 龘', 'cl100k_base')])`,
};

// `pnpm check:packages` has just built everything.
const tarballs = packWorkspace(root, { build: false });

function unpackedBytes(tgz) {
  const dir = mkdtempSync(join(work, 'unpack-'));
  run('tar', ['-xzf', tgz, '-C', dir], root);
  let total = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const f = join(d, e.name);
      if (e.isDirectory()) walk(f);
      else total += statSync(f).size;
    }
  };
  walk(dir);
  rmSync(dir, { recursive: true, force: true });
  return total;
}

const failures = [];
const rows = [];
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
for (const p of pkgs) {
  const name = p.manifest.name;
  if (only.length > 0 && !only.includes(name)) continue;
  const tgz = tarballs.get(name);
  try {
    run(bin('publint'), ['run', tgz, '--strict'], root);
    run(bin('attw'), [tgz, '--profile', 'node16', '--format', 'table-flipped'], root);
    const probe = join(work, `probe-${name.replace(/[@/]/g, '_')}`);
    mkdirSync(probe);
    // Siblings resolve to their tarballs only: nothing of ours comes from the registry.
    const overrides = Object.fromEntries(
      [...tarballs].filter(([n]) => n !== name).map(([n, t]) => [n, `file:${t}`]),
    );
    const dependencies = { [name]: `file:${tgz}` };
    writeFileSync(
      join(probe, 'package.json'),
      JSON.stringify({ name: 'probe', private: true, dependencies, overrides }, null, 2),
    );
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], probe);
    const probeCode = `if (Object.keys(m).length === 0) throw new Error('no exports'); console.log(Object.keys(m).length, ${SMOKE[name] ?? "''"});`;
    const esm = run(
      'node',
      ['--input-type=module', '-e', `const m = await import(${JSON.stringify(name)}); ${probeCode}`],
      probe,
    ).trim();
    const cjs = run('node', ['-e', `const m = require(${JSON.stringify(name)}); ${probeCode}`], probe).trim();
    if (esm !== cjs) throw new Error(`ESM printed ${esm}, CJS ${cjs}`);
    rows.push({ name, packed: statSync(tgz).size, unpacked: unpackedBytes(tgz), exports: esm.split(' ')[0] });
  } catch (error) {
    const detail = [error.stdout, error.stderr, error.message].filter(Boolean).join('\n');
    failures.push(`${name}: ${detail}`);
  }
}

console.log('package'.padEnd(26), 'packed'.padStart(10), 'unpacked'.padStart(11), 'exports'.padStart(8));
for (const r of rows) {
  console.log(
    r.name.padEnd(26),
    kb(r.packed).padStart(10),
    kb(r.unpacked).padStart(11),
    String(r.exports).padStart(8),
  );
}
rmSync(work, { recursive: true, force: true });
if (failures.length > 0) {
  console.error(`\ncheck:packages failed for ${failures.length} package(s):\n${failures.join('\n\n')}`);
  process.exit(1);
}
console.log(
  `\ncheck:packages: ${rows.length} package(s) packed, linted (publint --strict, attw) and installed alone (import + require).`,
);
