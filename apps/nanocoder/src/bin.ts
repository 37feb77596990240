#!/usr/bin/env node
/**
 * `ctxkit-nanocoder [nanocoder arguments…]` — launches the installed Nanocoder
 * with ctxkit's loader hook, on a Node new enough for it.
 * @internal
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkNanocoder } from './compat.js';
import { locateNanocoder } from './locate.js';
import { chooseNode, NANOCODER_MIN_NODE } from './node-runtime.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const from = [process.cwd(), here];
const root = locateNanocoder(from, process.env, undefined);
const check = checkNanocoder(root);
if (!check.ok) {
  process.stderr.write(
    `ctxkit-nanocoder: refusing to start: ${check.reason}.\nRun \`nanocoder\` directly to use it without ctxkit.\n`,
  );
  process.exit(1);
}
const node = chooseNode(from);
if (node === undefined) {
  process.stderr.write(
    `ctxkit-nanocoder: Nanocoder needs Node >= ${NANOCODER_MIN_NODE} (this is ${process.versions.node}). Install a newer Node, or add the npm package \`node@${NANOCODER_MIN_NODE}\` to your project.\n`,
  );
  process.exit(1);
}
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const register = new URL(`./register${ext}`, import.meta.url).href;
// On sources (development), the child needs the same loader flags (tsx, conditions).
const inherited = ext === '.ts' ? process.execArgv : [];
const child = spawn(
  node.path,
  [...inherited, '--import', register, join(check.root, 'dist', 'cli.js'), ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, CTXKIT_NANOCODER_ROOT: check.root } },
);
// Ctrl+C reaches the child through the terminal's process group; Nanocoder
// handles it. Only signals sent to this process alone are forwarded.
process.on('SIGINT', () => {});
for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
