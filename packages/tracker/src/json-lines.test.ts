import { describe, expect, it } from 'vitest';
import { readJsonLines } from './json-lines.js';

describe('readJsonLines', () => {
  const records = [{ a: 1 }, { b: 'x\ny' }, [3]];
  const text = records.map((r) => JSON.stringify(r)).join('\n');

  it('keeps every record with its 1-based line; blank lines and a BOM change nothing', () => {
    const spaced = `\ufeff${JSON.stringify(records[0])}\r\n\n  \n${text.split('\n').slice(1).join('\n\n')}\n`;
    const { lines, skipped } = readJsonLines(spaced);
    expect(skipped).toEqual([]);
    expect(lines.map((l) => l.value)).toEqual(records);
    expect(lines.map((l) => l.line)).toEqual([1, 4, 6]);
  });

  it('skips a cut line with its number and reads the rest', () => {
    const fragment = '{"role":"user","content":"to';
    const cut = `${text}\n${fragment}`;
    const { lines, skipped } = readJsonLines(cut);
    expect(lines.map((l) => l.value)).toEqual(records);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.line).toBe(4);
    expect(skipped[0]?.reason).toMatch(
      new RegExp(`^malformed JSON \\(${fragment.length} characters\\): Unterminated string`),
    );
  });

  it("'parse' reads an unterminated last line, 'torn' skips it unread even when it parses", () => {
    expect(readJsonLines(text).lines).toHaveLength(3);
    const torn = readJsonLines(text, { lastLine: 'torn' });
    expect(torn.lines.map((l) => l.value)).toEqual(records.slice(0, 2));
    expect(torn.skipped).toEqual([]);
    expect(torn.torn).toEqual({ line: 3, characters: 3 });
    expect(readJsonLines(`${text}\n`, { lastLine: 'torn' }).torn).toBeUndefined();
  });

  it('a 10 MB line that is not JSON gets a short reason', () => {
    const huge = `{"content":"${'x'.repeat(10 * 1024 * 1024)}`;
    const { lines, skipped } = readJsonLines(`${huge}\n${text}`);
    expect(lines).toHaveLength(3);
    expect(skipped[0]?.line).toBe(1);
    expect(skipped[0]?.reason.length).toBeLessThan(200);
    expect(skipped[0]?.reason).toContain(`${huge.length} characters`);
  });
});
