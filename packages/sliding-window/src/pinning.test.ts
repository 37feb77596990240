import type { Message } from '@ctxkit/core';
import { describe, expect, it } from 'vitest';
import { addPinReason, FLAG_PIN, type PinReasons, PinRules, removePinReason } from './pinning.js';

describe('pin reasons', () => {
  it('a message stays pinned by the caller until its last reason is removed', () => {
    const entry: PinReasons = { pins: undefined };
    expect(addPinReason(entry, 'spec')).toBe(true);
    expect(addPinReason(entry, FLAG_PIN)).toBe(false);
    expect(removePinReason(entry, 'spec')).toBe(false);
    expect(removePinReason(entry, 'other')).toBe(false);
    expect(removePinReason(entry, FLAG_PIN)).toBe(true);
    expect(addPinReason(entry, 'spec')).toBe(true);
  });

  it('rules give every reason a new message is pinned: its flag, its id, each matching predicate', () => {
    const rules = new PinRules();
    const long = (m: Message) => typeof m.content === 'string' && m.content.length > 3;
    expect(rules.set('spec', true)).toBe(true);
    expect(rules.set(long, true)).toBe(true);
    expect(rules.set(42 as unknown as string, true)).toBe(false);
    const message: Message = { role: 'user', content: 'the task', id: 'spec', pinned: true };
    expect(rules.sourcesOf(message)).toEqual([FLAG_PIN, 'spec', long]);
    rules.set('spec', false);
    expect(rules.sourcesOf({ ...message, pinned: false })).toEqual([long]);
  });
});
