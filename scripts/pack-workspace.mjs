// Packs every publishable package of the workspace into one directory that outlives the run
// (node_modules/.cache/ctxkit-tarballs), so `pnpm check:packages` and the docs' samples test share
// one build and one set of tarballs: the samples run against exactly what check:packages linted.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the tarballs and their `manifest.json` ({ name: absolute tarball path }) live. */
export const tarballDir = (root) => join(root, 'node_modules', '.cache', 'ctxkit-tarballs');

/** Every package under packages/ and apps/ that is not private: { dir, manifest }. */
export function publishablePackages(root) {
  const pkgs = [];
  for (const group of ['packages', 'apps']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const file = join(dir, name, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      if (!manifest.private) pkgs.push({ dir: join(dir, name), manifest });
    }
  }
  return pkgs;
}

// pnpm and npm started from a pnpm script inherit pnpm's npm_config_* variables, which npm then
// warns about ("Unknown env config"); the children get an environment without them.
export function cleanEnv() {
  const env = { ...process.env, npm_config_update_notifier: 'false', TURBO_TELEMETRY_DISABLED: '1' };
  for (const key of Object.keys(env)) {
    if (/^npm_config_/i.test(key) && key !== 'npm_config_update_notifier') delete env[key];
  }
  return env;
}

const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv() });

// Inside a pnpm script pnpm is on PATH; run from `npx vitest` it may not be, so the pinned pnpm comes
// through npx (turbo needs the package manager's binary on PATH too: `pnpm exec` provides it).
function pnpm(root) {
  const onPath = (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, 'pnpm')));
  if (onPath) return ['pnpm', []];
  const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager;
  return ['npx', ['--yes', pinned]];
}

/** Builds (turbo, cached) and packs every publishable package; returns Map name → tarball path. */
export function packWorkspace(root, { build = true } = {}) {
  const [pm, pmArgs] = pnpm(root);
  if (build) run(pm, [...pmArgs, 'exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], root);
  const dir = tarballDir(root);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tarballs = new Map();
  for (const p of publishablePackages(root)) {
    const out = run(pm, [...pmArgs, 'pack', '--pack-destination', dir], p.dir)
      .trim()
      .split('\n')
      .pop();
    tarballs.set(p.manifest.name, resolve(p.dir, out));
  }
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(Object.fromEntries(tarballs), null, 2)}\n`);
  return tarballs;
}

// Newest modification time of what a package's code is built from (sources, data, manifest); a README
// edit alone does not repack.
function newestInput(dir) {
  let newest = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const f = join(d, e.name);
      if (e.isDirectory()) walk(f);
      else newest = Math.max(newest, statSync(f).mtimeMs);
    }
  };
  for (const sub of ['src', 'data']) if (existsSync(join(dir, sub))) walk(join(dir, sub));
  for (const file of ['package.json']) {
    if (existsSync(join(dir, file))) newest = Math.max(newest, statSync(join(dir, file)).mtimeMs);
  }
  return newest;
}

/** The tarballs of the last pack when none of their packages changed since, else a fresh build + pack. */
export function freshTarballs(root) {
  const file = join(tarballDir(root), 'manifest.json');
  if (existsSync(file)) {
    const known = new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8'))));
    const pkgs = publishablePackages(root);
    const fresh = pkgs.every((p) => {
      const tgz = known.get(p.manifest.name);
      return tgz && existsSync(tgz) && statSync(tgz).mtimeMs >= newestInput(p.dir);
    });
    if (fresh && known.size === pkgs.length) return known;
  }
  return packWorkspace(root);
}
