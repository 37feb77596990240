import { type Message, messageText } from '@ctxkit/core';
import { isSummaryMessage, renderFacts } from './ledger.js';
import { summaryText } from './summary-message.js';
import { clip } from './tool-info.js';
import type { Summarizer, SummaryRequest } from './types.js';

/** Options of {@link ExtractiveSummarizer}. */
export interface ExtractiveSummarizerOptions {
  /** Characters kept of each user message. Default 400. */
  userMessageChars?: number;
  /** Number of the latest assistant texts kept as conclusions. Default 3. */
  conclusions?: number;
  /** Characters kept of each conclusion. Default 600. */
  conclusionChars?: number;
}

function stripFacts(summary: string): string {
  const at = summary.search(/^## Facts\b/m);
  return (at >= 0 ? summary.slice(0, at) : summary).trim();
}

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

  constructor(options: ExtractiveSummarizerOptions = {}) {
    this.userChars = options.userMessageChars ?? 400;
    this.conclusions = options.conclusions ?? 3;
    this.conclusionChars = options.conclusionChars ?? 600;
  }

  /** Builds the summary synchronously (the promise form satisfies {@link Summarizer}). */
  summarizeSync(request: Omit<SummaryRequest, 'signal'>): string {
    const { messages, tokenizer, maxTokens, ledger } = request;
    const facts = renderFacts(ledger);
    const count = (s: string) => (s.length === 0 ? 0 : tokenizer.countTokens(s));
    let room = maxTokens - count(facts) - 40;
    const sections: string[] = [];
    const add = (title: string, lines: string[]) => {
      const kept: string[] = [];
      for (const line of lines) {
        const n = count(line) + 1;
        if (n > room) break;
        kept.push(line);
        room -= n;
      }
      if (kept.length > 0) sections.push(`## ${title}\n${kept.join('\n')}`);
      return kept.length;
    };
    const users = messages.filter((m) => m.role === 'user' && !isSummaryMessage(m));
    const assistants = messages.filter((m) => m.role === 'assistant' && messageText(m).trim().length > 0);
    const previous = request.previousSummary ?? messages.map(summaryText).find((s) => s !== undefined);
    // Newest user messages matter most: take them newest first, show them in order.
    const userLines = users
      .map((m) => `- ${clip(messageText(m), this.userChars)}`)
      .filter((l) => l.length > 2)
      .reverse();
    const conclusionLines = assistants
      .slice(-this.conclusions)
      .reverse()
      .map((m: Message) => `- ${clip(messageText(m), this.conclusionChars)}`);
    const before = sections.length;
    const nUsers = add('User messages (newest first)', userLines);
    add('Latest assistant conclusions (newest first)', conclusionLines);
    if (previous) {
      const body = stripFacts(previous);
      if (body.length > 0) {
        const words = body.split(/(?<=\n)/);
        add('Earlier summary', words);
      }
    }
    if (sections.length === before && nUsers === 0) {
      sections.push(`## Context\n${messages.length} earlier messages were compacted.`);
    }
    return [...sections, facts].filter((s) => s.length > 0).join('\n\n');
  }

  /** Builds the summary. */
  summarize(request: SummaryRequest): Promise<string> {
    return Promise.resolve(this.summarizeSync(request));
  }
}
