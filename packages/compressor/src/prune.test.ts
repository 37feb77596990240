import { describe, expect, it } from 'vitest';
import { sourceFile } from '../test/recall-tasks.js';
import { outline, pruneStub } from './prune.js';
import type { CallInfo } from './tool-info.js';

const call = (name: string, args: Record<string, unknown>): CallInfo => ({ id: 'c1', name, args });

describe('stubs that keep meaning', () => {
  it('a pruned file read keeps its outline: exports, signatures, top-level constants and types', () => {
    const file = sourceFile(3, 'AUDIT_LIMIT', '4817');
    const stub = pruneStub(file, call('read_file', { path: 'src/audit.ts' }));
    expect(stub).toMatch(/^\[ctxkit: output pruned\] read_file\(path: src\/audit\.ts\)/);
    expect(stub).toMatch(/\d+: export const AUDIT_LIMIT = 4817;/);
    expect(stub).toMatch(/\d+: export interface \w+Options/);
    expect(stub).toMatch(/\d+: export async function \w+0\(/);
    // Bodies are gone.
    expect(stub).not.toContain('readFile(');
    expect(stub.length).toBeLessThan(file.length / 2);
  });

  it('an outline too long for its stub keeps constants and types first and says what it left out', () => {
    const fns = Array.from(
      { length: 40 },
      (_, i) => `export function handler${i}(req: Request): Response {\n  return ok(req);\n}`,
    );
    const file = [...fns.slice(0, 20), 'export const MAX_RETRIES = 7;', ...fns.slice(20)].join('\n');
    const stub = pruneStub(file, call('read_file', { path: 'src/h.ts' }));
    expect(stub).toContain('export const MAX_RETRIES = 7;');
    expect(stub).toMatch(/… \d+ more declarations/);
    expect(stub.length).toBeLessThanOrEqual(Math.max(400, file.length / 5) + 200);
  });

  it('outlines Python, Rust and Go declarations too', () => {
    const py =
      'import os\nMAX_ROWS = 50\nclass Loader:\n    def load(self, path):\n        return open(path)\n';
    expect(outline(py)).toEqual(['MAX_ROWS = 50', 'class Loader:', 'def load(self, path):']);
    const rs = 'use std::io;\npub const LIMIT: u32 = 9;\npub fn run(x: u32) -> u32 {\n    x + 1\n}\n';
    expect(outline(rs)).toEqual(['pub const LIMIT: u32 = 9;', 'pub fn run(x: u32) -> u32']);
    const go = 'package main\nconst Port = 8080\nfunc main() {\n\tserve()\n}\n';
    expect(outline(go)).toEqual(['const Port = 8080', 'func main()']);
    const ex =
      'defmodule Shop.Cart do\n  @type t :: map()\n  def add(cart, item) do\n    Map.put(cart, item, 1)\n  end\nend\n';
    expect(outline(ex)).toEqual(['defmodule Shop.Cart do', '@type t :: map()', 'def add(cart, item) do']);
    const cls =
      'export class Store {\n  private async load(id: string): Promise<void> {\n    if (id) {\n      run(id);\n    }\n  }\n}\n';
    expect(outline(cls)).toEqual(['export class Store', 'private async load(id: string): Promise<void>']);
  });

  it('a pruned command keeps its exit status and its error lines', () => {
    const log = [
      '> tsc',
      ...Array.from({ length: 200 }, (_, i) => `[build] compiled src/m${i}.ts`),
      "src/a.ts(3,1): error TS2304: Cannot find name 'x'.",
      'Process exited with code 2',
    ].join('\n');
    const stub = pruneStub(log, call('execute_bash', { command: 'npm run build' }));
    expect(stub).toContain('→ exit 2');
    expect(stub).toContain("error: src/a.ts(3,1): error TS2304: Cannot find name 'x'.");
    expect(stub).not.toContain('compiled src/m5.ts');
  });

  it('a pruned search keeps what it matched', () => {
    const out = Array.from({ length: 30 }, (_, i) => `src/f${i}.ts:${i + 1}:  retryDelay(${i})`).join('\n');
    const stub = pruneStub(out, call('search_files', { pattern: 'retryDelay' }));
    expect(stub).toContain('src/f0.ts:1: retryDelay(0)');
    expect(stub).toContain('src/f19.ts:20: retryDelay(19)');
    expect(stub).toContain('… 10 more lines');
  });
});
