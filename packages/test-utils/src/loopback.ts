// The HTTP plumbing every loopback server of the tests shares (the fake Ollama, the scripted
// OpenAI-compatible server, the compressor's recall model, a suite's own wire server).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A server listening on 127.0.0.1. */
export interface Loopback {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Ends every open connection (a hung response included), then stops listening. */
  close(): Promise<void>;
}

/**
 * Starts `handler` on 127.0.0.1, port 0, keeping track of the connections so that `close()` can end
 * responses still open (a server that hangs on purpose would otherwise keep `close()` waiting).
 * @param handler - called for every request; a rejection it does not handle stays unhandled.
 */
export async function listenLoopback(
  handler: (req: IncomingMessage, res: ServerResponse) => unknown,
): Promise<Loopback> {
  const sockets = new Set<Socket>();
  const server = createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * The whole body of a request, as text.
 * @param req - the incoming request.
 */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      data += c;
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
