/** The wire contract, exercised the way both sides use it. Runs under node and (client project) jsdom. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChatEventSchema, ChatRequestSchema, ERROR_CODES, ErrorBodySchema, SearchRequestSchema } from '@pagewise/shared';

describe('shared contract', () => {
  it('applies search defaults and bounds', () => {
    expect(SearchRequestSchema.parse({ query: '  net sales ' })).toEqual({ query: 'net sales', k: 8 });
    expect(SearchRequestSchema.safeParse({ query: '' }).success).toBe(false);
    expect(SearchRequestSchema.safeParse({ query: 'x', k: 51 }).success).toBe(false);
  });

  it('requires the last chat message to be a non-empty user question', () => {
    expect(ChatRequestSchema.safeParse({ messages: [{ role: 'user', content: 'Hi?' }] }).success).toBe(true);
    expect(ChatRequestSchema.safeParse({ messages: [{ role: 'assistant', content: 'Hi' }] }).success).toBe(false);
    expect(ChatRequestSchema.safeParse({ messages: [{ role: 'user', content: '   ' }] }).success).toBe(false);
    expect(ChatRequestSchema.safeParse({ messages: [] }).success).toBe(false);
  });

  it('discriminates stream events by type and rejects unknown ones', () => {
    expect(ChatEventSchema.parse({ type: 'answer', delta: 'x' })).toEqual({ type: 'answer', delta: 'x' });
    expect(ChatEventSchema.safeParse({ type: 'answer' }).success).toBe(false);
    expect(ChatEventSchema.safeParse({ type: 'bogus', delta: 'x' }).success).toBe(false);
    expect(ChatEventSchema.safeParse({ type: 'error', code: 'NOT_A_CODE', message: 'm' }).success).toBe(false);
  });

  it('accepts every stable error code in the error body, and only those', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ERROR_CODES), fc.string(), (code, message) => ErrorBodySchema.safeParse({ error: { code, message } }).success),
    );
    expect(ErrorBodySchema.safeParse({ error: { code: 'internal_error', message: '' } }).success).toBe(false);
  });
});
