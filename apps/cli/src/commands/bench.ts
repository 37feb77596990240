import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CtxkitError } from '@ctxkit/core';
import type { Command } from 'commander';
import { emit } from '../context.js';
import { usageError } from '../errors.js';
import type { ContextFactory } from '../program.js';

/** A workspace package that has a `bench` script. */
interface BenchPackage {
  name: string;
  dir: string;
}

/** Finds the ctxkit workspace root (the folder with pnpm-workspace.yaml) from `start` upwards. */
export function findWorkspaceRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function benchPackages(root: string): BenchPackage[] {
  const out: BenchPackage[] = [];
  for (const group of ['packages', 'apps']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) {
      const file = join(base, name, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
        name: string;
        scripts?: Record<string, string>;
      };
      if (manifest.scripts?.bench) out.push({ name: manifest.name, dir: join(base, name) });
    }
  }
  return out;
}

/** `ctxkit bench`: runs every package's benchmark (one at a time: they time themselves) and prints its tables. */
export function registerBench(program: Command, context: ContextFactory): void {
  program
    .command('bench')
    .description(
      "run the packages' benchmarks one after another and print their tables (needs a ctxkit source checkout)",
    )
    .option('--filter <names...>', 'only these packages (e.g. @ctxkit/tokenizers)')
    .option('--list', 'list the packages that have benchmarks and stop')
    .option('--root <dir>', 'the ctxkit checkout (default: found from the current directory)')
    .option('--json', 'print {package, exitCode, output}[] as JSON')
    .action((options: { filter?: string[]; list?: boolean; root?: string; json?: boolean }) => {
      const ctx = context(options);
      const root = options.root ? resolve(options.root) : findWorkspaceRoot(process.cwd());
      if (!root || !existsSync(join(root, 'pnpm-workspace.yaml'))) {
        throw usageError(
          'ctxkit bench runs the benchmarks of a ctxkit source checkout: run it inside one, or pass --root <dir>',
        );
      }
      let pkgs = benchPackages(root);
      if (options.filter) {
        const wanted = new Set(options.filter);
        const unknown = [...wanted].filter((w) => !pkgs.some((p) => p.name === w));
        if (unknown.length > 0) {
          throw usageError(
            `no benchmark in ${unknown.join(', ')}; packages with benchmarks: ${pkgs.map((p) => p.name).join(', ') || 'none'}`,
          );
        }
        pkgs = pkgs.filter((p) => wanted.has(p.name));
      }
      if (options.list) {
        emit(
          ctx,
          pkgs.map((p) => p.name),
          () => pkgs.map((p) => p.name).join('\n') || '(no benchmarks found)',
        );
        return;
      }
      const results: { package: string; exitCode: number; output: string }[] = [];
      for (const p of pkgs) {
        if (!ctx.json) ctx.out(ctx.colors.bold(`\n== ${p.name}`));
        // Human mode streams the tables live; --json captures them.
        const r = spawnSync('pnpm', ['run', 'bench'], {
          cwd: p.dir,
          encoding: 'utf8',
          stdio: ctx.json ? ['ignore', 'pipe', 'pipe'] : 'inherit',
          env: { ...process.env, npm_config_update_notifier: 'false' },
        });
        results.push({ package: p.name, exitCode: r.status ?? 1, output: ctx.json ? (r.stdout ?? '') : '' });
      }
      const failed = results.filter((r) => r.exitCode !== 0);
      emit(ctx, results, () =>
        pkgs.length === 0
          ? '(no benchmarks found)'
          : `\n${results.length - failed.length}/${results.length} benchmark(s) ran${failed.length ? `; failed: ${failed.map((f) => f.package).join(', ')}` : ''}`,
      );
      if (failed.length > 0) {
        throw new CtxkitError('IO_ERROR', `benchmark(s) failed: ${failed.map((f) => f.package).join(', ')}`);
      }
    });
}
