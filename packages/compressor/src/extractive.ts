import { type Message, messageText } from '@ctxkit/core';
import { isSummaryMessage, renderFacts } from './ledger.js';
import { outline } from './prune.js';
import { summaryText, unwrapOriginal } from './summary-message.js';
import { callInfo, callPath, clip, fileOp, indexCalls, looksLikeError } from './tool-info.js';
import type { Summarizer, SummaryRequest } from './types.js';

/** Options of {@link ExtractiveSummarizer}. */
export interface ExtractiveSummarizerOptions {
  /**
   * Characters kept of each user message.
   * @default 400
   */
  userMessageChars?: number;
  /**
   * Number of the latest assistant texts kept as conclusions.
   * @default 3
   */
  conclusions?: number;
  /**
   * Characters kept of each conclusion.
   * @default 600
   */
  conclusionChars?: number;
}

/** A summary's sections by title, in order; text before the first title is "Earlier work". Facts are left out. */
export function summarySections(summary: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let title = 'Earlier work';
  for (const line of summary.split('\n')) {
    const h = /^##\s+(.+?)\s*$/.exec(line);
    if (h) {
      title = h[1]!;
      continue;
    }
    if (line.trim().length === 0) continue;
    const list = out.get(title) ?? [];
    list.push(line);
    out.set(title, list);
  }
  out.delete('Facts');
  return out;
}

const USERS = 'User messages (newest first)';
const DECLARATIONS = 'Declarations in files read (newest first)';
const CONCLUSIONS = 'Latest assistant conclusions (newest first)';
const EDITS = 'Edits made (newest first)';
const NEW_TEXT_KEYS = ['new_string', 'newString', 'new_str', 'replacement', 'new_text', 'content'];
// Outline lines worth carrying in a summary: constants, types and classes (signatures stay in stubs).
const CARRIED_DECLARATION =
  /\b(?:const|let|var|type|interface|enum|class|struct|static)\s+[\w$]|^[\d: ]*[A-Z][A-Z0-9_]*\s*(?::[^=]+)?=/;

/**
 * The deterministic summary: the fact ledger, the user's messages and the
 * assistant's last conclusions, fitted to `request.maxTokens`. It needs no
 * LLM, never fails, and is what the compressor falls back to.
 */
export class ExtractiveSummarizer implements Summarizer {
  readonly name = 'extractive';
  private readonly userChars: number;
  private readonly conclusions: number;
  private readonly conclusionChars: number;

  /**
   * @param options - how much of each user message and conclusion to keep.
   */
  constructor(options: ExtractiveSummarizerOptions = {}) {
    this.userChars = options.userMessageChars ?? 400;
    this.conclusions = options.conclusions ?? 3;
    this.conclusionChars = options.conclusionChars ?? 600;
  }

  /**
   * Builds the summary synchronously (the promise form satisfies {@link Summarizer}). A previous
   * summary is merged section by section — its lines follow the new ones of the same section,
   * duplicates once — so summaries never nest.
   */
  summarizeSync(request: Omit<SummaryRequest, 'signal'>): string {
    const { messages, tokenizer, maxTokens, ledger } = request;
    const facts = renderFacts(ledger);
    const count = (s: string) => (s.length === 0 ? 0 : tokenizer.countTokens(s));
    let room = maxTokens - count(facts) - 40;
    const sections: string[] = [];
    const add = (title: string, lines: string[]) => {
      const kept: string[] = [];
      const seen = new Set<string>();
      for (const line of lines) {
        if (seen.has(line)) continue;
        const n = count(line) + 1;
        if (n > room) break;
        seen.add(line);
        kept.push(line);
        room -= n;
      }
      if (kept.length > 0) sections.push(`## ${title}\n${kept.join('\n')}`);
      return kept.length;
    };
    const users = messages.filter((m) => m.role === 'user' && !isSummaryMessage(m));
    const assistants = messages.filter((m) => m.role === 'assistant' && messageText(m).trim().length > 0);
    const previous = request.previousSummary ?? messages.map(summaryText).find((s) => s !== undefined);
    const earlier = previous ? summarySections(previous) : new Map<string, string[]>();
    const carried = (title: string) => earlier.get(title) ?? [];
    // Newest user messages matter most: take them newest first.
    const userLines = users
      .map((m) => `- ${clip(messageText(m), this.userChars)}`)
      .filter((l) => l.length > 2)
      .reverse();
    const conclusionLines = assistants
      .slice(-this.conclusions)
      .reverse()
      .map((m: Message) => `- ${clip(messageText(m), this.conclusionChars)}`);
    const nUsers = add(USERS, [...userLines, ...carried(USERS)]);
    add(EDITS, [...editLines(messages).reverse(), ...carried(EDITS)]);
    add(DECLARATIONS, [...declarationLines(messages).reverse(), ...carried(DECLARATIONS)]);
    add(CONCLUSIONS, [...conclusionLines, ...carried(CONCLUSIONS)]);
    // Sections of an earlier summary this one does not write (an LLM's) are carried as they were.
    for (const [title, lines] of earlier) {
      if (![USERS, EDITS, DECLARATIONS, CONCLUSIONS].includes(title)) add(title, lines);
    }
    if (sections.length === 0 && nUsers === 0) {
      sections.push(`## Context\n${messages.length} earlier messages were compacted.`);
    }
    return [...sections, facts].filter((s) => s.length > 0).join('\n\n');
  }

  /** Builds the summary. */
  summarize(request: SummaryRequest): Promise<string> {
    return Promise.resolve(this.summarizeSync(request));
  }
}

/** The carried declarations of the files the messages read, oldest first, each with its path. */
function declarationLines(messages: readonly Message[]): string[] {
  const calls = indexCalls(messages);
  const out: string[] = [];
  for (const m of messages) {
    if (m.role !== 'tool') continue;
    const call = calls.get(m.tool_call_id ?? '');
    if (!call || fileOp(call) !== 'read') continue;
    const text = messageText(unwrapOriginal(m));
    if (looksLikeError(text)) continue;
    const path = callPath(call);
    for (const line of outline(text)) if (CARRIED_DECLARATION.test(line)) out.push(`- ${path}: ${line}`);
  }
  return out;
}

/** What each edit or write put in its file (the first lines of the new text), oldest first. */
function editLines(messages: readonly Message[]): string[] {
  const out: string[] = [];
  for (const m of messages) {
    for (const raw of m.tool_calls ?? []) {
      const call = callInfo(raw);
      const op = fileOp(call);
      if (op !== 'edit' && op !== 'write') continue;
      const key = NEW_TEXT_KEYS.find((k) => typeof call.args[k] === 'string');
      const text = key ? (call.args[key] as string) : '';
      const shown = text
        .split('\n')
        .filter((l) => l.trim().length > 0)
        .slice(0, 3)
        .join(' ⏎ ');
      out.push(`- ${op} ${callPath(call)}${shown ? `: ${clip(shown, 200)}` : ''}`);
    }
  }
  return out;
}
