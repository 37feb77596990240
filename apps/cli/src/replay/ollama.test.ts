import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeOllama, smallestModel } from './ollama.js';

// A real HTTP server on loopback answering Ollama's /api/tags the way Ollama does.
const tags = {
  models: [
    { name: 'qwen3:8b', size: 5_200_000_000 },
    { name: 'nomic-embed-text:latest', size: 274_000_000 },
    { name: 'qwen2.5:0.5b', size: 398_000_000 },
  ],
};
let server: Server;
let url: string;
let silent: Server;
let silentUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/api/tags') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(tags));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  // Accepts connections and never answers: the probe must give up on its own.
  silent = createServer(() => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});

afterAll(async () => {
  silent.closeAllConnections();
  await new Promise((r) => server.close(r));
  await new Promise((r) => silent.close(r));
});

describe('probeOllama', () => {
  it('lists the pulled models and picks the smallest chat model', async () => {
    const models = await probeOllama(url);
    expect(models?.map((m) => m.name)).toEqual(tags.models.map((m) => m.name));
    expect(smallestModel(models!)).toBe('qwen2.5:0.5b');
  });

  it('gives up on a server that does not answer, and on a closed port', async () => {
    expect(await probeOllama(silentUrl, 150)).toBeUndefined();
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await probeOllama(`http://127.0.0.1:${port}`)).toBeUndefined();
  });
});
