// A minimal static file server for the built site (cleanUrls: /a → a.html,
// /a/ → a/index.html). It records every 404 so the browser test can fail on them.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { listenLoopback } from './loopback.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain',
};

/** A running server: its base URL, the paths that were not found, and a way to stop it. */
export interface StaticServer {
  url: string;
  notFound: string[];
  close(): Promise<void>;
}

/** Serves `root` on 127.0.0.1 at a free port. */
export async function serveStatic(root: string): Promise<StaticServer> {
  const notFound: string[] = [];
  const loopback = await listenLoopback((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const base = normalize(join(root, path));
    const candidates = [base, `${base}.html`, join(base, 'index.html')];
    const file = base.startsWith(root)
      ? candidates.find((f) => existsSync(f) && statSync(f).isFile())
      : undefined;
    if (!file) {
      notFound.push(path);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res
      .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
      .end(readFileSync(file));
  });
  return { url: loopback.url, notFound, close: () => loopback.close() };
}
