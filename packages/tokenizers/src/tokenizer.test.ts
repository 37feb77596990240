import { CtxkitError, type Message } from '@ctxkit/core';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  createEnhancedTokenizer,
  createTokenizer,
  createVocabularyTokenizer,
  EnhancedFallbackTokenizer,
  EstimateTokenizer,
  FRAMINGS,
  loadTokenizer,
  loadVocabulary,
  VOCABULARIES,
} from './index.js';

// Records the data files the package reads (the reads themselves are real): a vocabulary is
// loaded exactly when its file is read.
const { filesRead } = vi.hoisted(() => ({ filesRead: [] as string[] }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((path: Parameters<typeof fs.readFileSync>[0], ...rest: unknown[]) => {
    filesRead.push(String(path));
    return (fs.readFileSync as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, default: { ...fs, readFileSync }, readFileSync };
});
/** Vocabulary files read so far, e.g. `['o200k_base']`. */
const loadedVocabularies = () =>
  filesRead.map((f) => /([^/]+)\.bin$/.exec(f)?.[1]).filter((f) => f !== undefined);

const o200k = createVocabularyTokenizer('o200k_base');
const F = FRAMINGS.o200k_base;
const code = (err: unknown) => (err instanceof CtxkitError ? err.code : `untyped: ${String(err)}`);
const thrown = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return code(err);
  }
  return 'no error';
};

describe('lazy loading', () => {
  it('creating a tokenizer loads nothing; counting gpt-4o never loads another vocabulary', () => {
    const gemma = createTokenizer('google', 'gemini-2.5-pro');
    expect(gemma.id).toBe('hf:gemma3');
    const t = createTokenizer('openai', 'gpt-4o');
    expect(t.countTokens('hello world')).toBe(2);
    expect(loadedVocabularies()).toEqual(['o200k_base']);
    expect(t.residentBytes).toBeGreaterThan(0);
  });

  it("each tokenizer loads and frees its own engine: sharing one is the pool's job", () => {
    const reads = () => loadedVocabularies().filter((v) => v === 'cl100k_base').length;
    const before = reads();
    const a = createVocabularyTokenizer('cl100k_base');
    const b = createTokenizer('openai', 'gpt-4');
    expect(a.countTokens('hello world')).toBe(2);
    expect(b.countTokens('hello world')).toBe(2);
    expect(reads()).toBe(before + 2);
    a.free();
    expect(thrown(() => a.countTokens('hello world'))).toBe('DISPOSED');
    expect(b.countTokens('hello world')).toBe(2);
  });

  it('tokenizers with the same id give the same counts, whichever model created them', async () => {
    const a = createTokenizer('openai', 'gpt-5-codex');
    const b = await loadVocabulary('o200k_base');
    const c = await loadTokenizer('openrouter', 'openai/gpt-4o');
    expect(a.id).toBe(b.id);
    const text = 'function add(a, b) { return a + b; } // 加法 👍🏽';
    expect(a.countTokens(text)).toBe(b.countTokens(text));
    expect(c.countTokens(text)).toBe(b.countTokens(text));
    expect(c.detection.vocabulary).toBe('o200k_base');
  });

  it('ids follow <engine>:<vocabulary>', () => {
    expect(createVocabularyTokenizer('qwen2').id).toBe('hf:qwen2');
    expect(createVocabularyTokenizer('tekken').id).toBe('tiktoken:tekken');
    expect(createVocabularyTokenizer('claude').id).toBe('estimate:claude');
    expect(createTokenizer('x', 'unknown-model').id).toBe('estimate:fallback');
    for (const v of Object.values(VOCABULARIES)) expect(createVocabularyTokenizer(v.id).exact).toBe(v.exact);
  });

  it('aliases are the same functions and classes', () => {
    expect(createEnhancedTokenizer).toBe(createTokenizer);
    expect(EnhancedFallbackTokenizer).toBe(EstimateTokenizer);
    expect(new EnhancedFallbackTokenizer().exact).toBe(false);
  });
});

describe('countTokens / encode', () => {
  it('special-token strings are ordinary text, never an error', () => {
    const ids = o200k.encode('<|endoftext|>');
    expect(ids.length).toBeGreaterThan(1);
    expect(o200k.countTokens('<|endoftext|><|im_start|>')).toBeGreaterThan(2);
  });

  it('countTokens equals encode().length for arbitrary text, including invalid UTF-16', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expect(o200k.countTokens(s)).toBe(o200k.encode(s).length);
      }),
      { numRuns: 300 },
    );
  });

  it('lone surrogates are counted, not thrown on', () => {
    expect(o200k.countTokens('a\ud800b\udc00c')).toBeGreaterThan(2);
  });

  it('non-string text is a typed error', () => {
    for (const bad of [null, undefined, 42, {}, ['x']]) {
      expect(thrown(() => o200k.countTokens(bad as unknown as string))).toBe('INVALID_ARGUMENT');
      expect(thrown(() => o200k.encode(bad as unknown as string))).toBe('INVALID_ARGUMENT');
    }
    // One assertText for tokenizers and estimators: the message names the function called.
    expect(() => o200k.countTokens(null as unknown as string)).toThrow(
      'countTokens expects a string, got null',
    );
    expect(() => createTokenizer('x', 'unknown-model').encode(7 as unknown as string)).toThrow(
      'encode expects a string, got number',
    );
  });

  it('an unknown vocabulary is a typed error', () => {
    expect(thrown(() => createVocabularyTokenizer('gpt2' as never))).toBe('INVALID_ARGUMENT');
  });

  it('a misspelt option is a typed error, not a silently detected vocabulary', () => {
    expect(() => createTokenizer('openai', 'gpt-4o', { vocab: 'cl100k_base' } as never)).toThrow(
      /unknown createTokenizer options key "vocab" \(did you mean "vocabulary"\?\)/,
    );
    expect(createTokenizer('openai', 'gpt-4o', { vocabulary: 'cl100k_base' }).vocabulary).toBe('cl100k_base');
  });
});

describe('countMessage', () => {
  const user = (content: Message['content']): Message => ({ role: 'user', content });

  it('role framing + role + text (OpenAI cookbook constants)', () => {
    expect(o200k.countMessage(user('hello world'))).toBe(F.perMessage + o200k.countTokens('user') + 2);
  });

  it('counts text parts and images', () => {
    const parts = o200k.countMessage(
      user([
        { type: 'text', text: 'look at this' },
        { type: 'image', mediaType: 'image/png', data: 'AAAA', width: 1024, height: 1024 },
      ]),
    );
    expect(parts).toBe(F.perMessage + o200k.countTokens('user') + o200k.countTokens('look at this') + 765);
  });

  it('counts tool-call names AND arguments, as object or string alike', () => {
    const args = { path: 'src/index.ts', content: 'export const x = 1;\n'.repeat(200) };
    const asObject: Message = {
      role: 'assistant',
      content: '',
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'write_file', arguments: args } }],
    };
    const asString: Message = {
      ...asObject,
      tool_calls: [
        { id: 'c1', type: 'function', function: { name: 'write_file', arguments: JSON.stringify(args) } },
      ],
    };
    const n = o200k.countMessage(asObject);
    expect(n).toBe(o200k.countMessage(asString));
    expect(n).toBeGreaterThan(o200k.countTokens(JSON.stringify(args)));
    expect(n).toBe(
      F.perMessage +
        o200k.countTokens('assistant') +
        F.perToolCall +
        o200k.countTokens('write_file') +
        o200k.countTokens(JSON.stringify(args)),
    );
  });

  it('counts tool results and reasoning', () => {
    const result: Message = { role: 'tool', tool_call_id: 'c1', content: 'ok: 3 files' };
    expect(o200k.countMessage(result)).toBe(
      F.perMessage + o200k.countTokens('tool') + o200k.countTokens('ok: 3 files') + F.perToolResult,
    );
    const withReasoning: Message = {
      role: 'assistant',
      content: 'done',
      reasoning: 'I should check the tests first.',
    };
    expect(o200k.countMessage(withReasoning)).toBe(
      o200k.countMessage({ role: 'assistant', content: 'done' }) +
        F.perReasoning +
        o200k.countTokens('I should check the tests first.'),
    );
  });

  it('countMessages adds tool definitions (name + description + schema + framing) and reply priming', () => {
    const messages: Message[] = [
      { role: 'system', content: 'You are a coding agent.' },
      { role: 'user', content: 'List the files.' },
    ];
    const tool = {
      name: 'list_files',
      description: 'List files in a directory',
      parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
    };
    const bare = o200k.countMessages(messages);
    expect(bare).toBe(
      o200k.countMessage(messages[0] as Message) +
        o200k.countMessage(messages[1] as Message) +
        F.replyPriming +
        F.perRequest,
    );
    const withTools = o200k.countMessages(messages, { tools: [tool] });
    expect(withTools - bare).toBe(
      F.toolsPreamble +
        F.perToolDefinition +
        o200k.countTokens('list_files') +
        o200k.countTokens('List files in a directory') +
        o200k.countTokens(JSON.stringify(tool.parameters)),
    );
  });

  it('counts a tool the same in the flat, OpenAI and Anthropic shapes, on every engine', () => {
    const messages: Message[] = [{ role: 'user', content: 'list src' }];
    const parameters = { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] };
    const flat = { name: 'list_files', description: 'List files in a directory', parameters };
    const openai = { type: 'function' as const, function: flat };
    const anthropic = { name: flat.name, description: flat.description, input_schema: parameters };
    for (const tokenizer of [
      o200k,
      createVocabularyTokenizer('qwen2'),
      createVocabularyTokenizer('claude'),
    ]) {
      const counts = [flat, openai, anthropic].map((t) => tokenizer.countMessages(messages, { tools: [t] }));
      expect(counts[0]).toBeGreaterThan(tokenizer.countMessages(messages));
      expect(counts).toEqual([counts[0], counts[0], counts[0]]);
    }
  });

  it('Anthropic and Gemini image rules apply to their vocabularies', () => {
    const img: Message = {
      role: 'user',
      content: '',
      images: [{ data: 'AA', mediaType: 'image/png', width: 1000, height: 1000 }],
    };
    const noImg: Message = { role: 'user', content: '' };
    const claude = createVocabularyTokenizer('claude');
    expect(claude.countMessage(img) - claude.countMessage(noImg)).toBe(1334);
    const gemini = createTokenizer('google', 'gemini-2.5-flash');
    // The image rule needs no vocabulary; only framing and role are tokenized.
    expect(gemini.framing.images).toEqual({ kind: 'flat', tokens: 258 });
  });
});

describe('bad input', () => {
  const cases: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['a number', 7],
    ['content as a number', { role: 'user', content: 42 }],
    ['content as null', { role: 'user', content: null }],
    ['an unknown role', { role: 'robot', content: 'hi' }],
    ['a bad content part', { role: 'user', content: [{ type: 'video' }] }],
    [
      'tool calls without ids',
      { role: 'assistant', content: '', tool_calls: [{ function: { name: 'x', arguments: '{}' } }] },
    ],
  ];
  it.each(cases)('%s → INVALID_MESSAGE', (_, message) => {
    expect(thrown(() => o200k.countMessage(message as Message))).toBe('INVALID_MESSAGE');
    expect(thrown(() => createVocabularyTokenizer('fallback').countMessage(message as Message))).toBe(
      'INVALID_MESSAGE',
    );
  });

  it('circular tool arguments → INVALID_MESSAGE', () => {
    const args: Record<string, unknown> = { a: 1 };
    args.self = args;
    const m: Message = {
      role: 'assistant',
      content: '',
      tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }],
    };
    expect(thrown(() => o200k.countMessage(m))).toBe('INVALID_MESSAGE');
  });

  it('huge tool arguments are counted', () => {
    const big = JSON.stringify({ data: 'lorem ipsum dolor sit amet '.repeat(8000) });
    const m: Message = {
      role: 'assistant',
      content: '',
      tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: big } }],
    };
    expect(o200k.countMessage(m)).toBeGreaterThan(o200k.countTokens(big));
  });

  it('countMessages rejects non-arrays and reports the bad index', () => {
    expect(thrown(() => o200k.countMessages('hi' as never))).toBe('INVALID_ARGUMENT');
    try {
      o200k.countMessages([{ role: 'user', content: 'ok' }, { role: 'user' } as never]);
      expect.unreachable();
    } catch (err) {
      expect(code(err)).toBe('INVALID_MESSAGE');
      expect((err as CtxkitError).details?.index).toBe(1);
    }
  });

  it('bad tool definitions → INVALID_ARGUMENT', () => {
    const circular: Record<string, unknown> = {};
    circular.x = circular;
    expect(thrown(() => o200k.countMessages([], { tools: [{ name: 'f', parameters: circular }] }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(thrown(() => o200k.countMessages([], { tools: [{} as never] }))).toBe('INVALID_ARGUMENT');
    expect(thrown(() => o200k.countMessages([], { tools: 'x' as never }))).toBe('INVALID_ARGUMENT');
  });

  it('a freed tokenizer says so', () => {
    const t = createVocabularyTokenizer('cl100k_base');
    expect(t.countTokens('hi')).toBe(1);
    t.free();
    expect(thrown(() => t.countTokens('hi'))).toBe('DISPOSED');
  });
});

describe('estimates', () => {
  it('never NaN, never negative, and marked inexact', () => {
    const t = createTokenizer('acme', 'mystery-model');
    expect(t.exact).toBe(false);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const n = t.countTokens(s);
        expect(Number.isFinite(n) && n >= 0).toBe(true);
        expect(t.encode(s)).toHaveLength(n);
      }),
    );
  });
});

describe('malformed images', () => {
  const bad: unknown[] = [
    [null],
    5,
    'abc',
    [{ data: 'iVBOR' }],
    [{ data: 'iVBOR', mediaType: 'image/png', width: -1 }],
  ];
  for (const images of bad) {
    it(`countMessage and countMessages throw INVALID_MESSAGE for images ${JSON.stringify(images)}`, () => {
      const message = { role: 'user', content: 'look', images } as unknown as Message;
      for (const tokenizer of [
        o200k,
        createTokenizer('anthropic', 'claude-sonnet-4'),
        new EstimateTokenizer(),
      ]) {
        expect(thrown(() => tokenizer.countMessage(message))).toBe('INVALID_MESSAGE');
        expect(thrown(() => tokenizer.countMessages([message]))).toBe('INVALID_MESSAGE');
      }
    });
  }

  it("'abc' is not counted as three images", () => {
    const one = {
      role: 'user',
      content: 'look',
      images: [{ data: 'iVBOR', mediaType: 'image/png' }],
    } as Message;
    expect(o200k.countMessage(one)).toBeGreaterThan(o200k.countMessage({ role: 'user', content: 'look' }));
    expect(thrown(() => o200k.countMessage({ ...one, images: 'abc' } as unknown as Message))).toBe(
      'INVALID_MESSAGE',
    );
  });
});
