/**
 * Typed helpers for `POST /api/chat` and the conversations API over real HTTP: every stream event is checked
 * against the shared `ChatEventSchema` and its SSE `event:` name against its `type`.
 */
import { expect } from 'vitest';
import {
  ChatEventSchema,
  ConversationResponseSchema,
  ConversationsListResponseSchema,
  type ChatEvent,
  type ConversationResponse,
  type ConversationSummary,
} from '@pagewise/shared';
import { upload, waitForIngestion } from './server.js';

export type EventOf<T extends ChatEvent['type']> = Extract<ChatEvent, { type: T }>;

export function postChat(url: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
}

/** Parse one SSE block (lines up to a blank line); heartbeats and comments give null. */
function parseBlock(block: string): ChatEvent | null {
  const lines = block.split('\n');
  const name = lines.find((l) => l.startsWith('event:'))?.slice(6).trim();
  const data = lines
    .filter((l) => l.startsWith('data:'))
    .map((l) => l.slice(5).trimStart())
    .join('\n');
  if (!data) return null;
  const event = ChatEventSchema.parse(JSON.parse(data));
  expect(name, 'SSE event name equals the event type').toBe(event.type);
  return event;
}

/** Events as they arrive, read incrementally from the body. */
export async function* streamEvents(res: Response): AsyncGenerator<ChatEvent> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const event = parseBlock(buf.slice(0, i));
      buf = buf.slice(i + 2);
      if (event) yield event;
    }
  }
  expect(buf.trim(), 'nothing left after the last event').toBe('');
}

export interface ChatResult {
  events: ChatEvent[];
  ms: number;
  start: EventOf<'start'>;
  sources: EventOf<'sources'>['sources'];
  answer: string;
  reasoning: string;
  last: ChatEvent;
}

/** POST /api/chat and read the whole stream. */
export async function chat(url: string, body: unknown): Promise<ChatResult> {
  const t0 = performance.now();
  const res = await postChat(url, body);
  const events: ChatEvent[] = [];
  for await (const e of streamEvents(res)) events.push(e);
  const ms = performance.now() - t0;
  const start = only(events, 'start');
  return {
    events,
    ms,
    start,
    sources: only(events, 'sources').sources,
    answer: all(events, 'answer').map((e) => e.delta).join(''),
    reasoning: all(events, 'reasoning').map((e) => e.delta).join(''),
    last: events[events.length - 1]!,
  };
}

export function all<T extends ChatEvent['type']>(events: ChatEvent[], type: T): EventOf<T>[] {
  return events.filter((e): e is EventOf<T> => e.type === type);
}

/** The single event of this type (fails when there is none or more than one). */
export function only<T extends ChatEvent['type']>(events: ChatEvent[], type: T): EventOf<T> {
  const found = all(events, type);
  expect(found, `exactly one ${type} event`).toHaveLength(1);
  return found[0]!;
}

/** Event types with runs of the same type collapsed: start, sources, reasoning, answer, citations, done. */
export function shape(events: ChatEvent[]): string[] {
  return events.map((e) => e.type).filter((t, i, a) => i === 0 || a[i - 1] !== t);
}

export async function getConversation(url: string, id: string): Promise<ConversationResponse['conversation']> {
  const res = await fetch(`${url}/api/conversations/${id}`);
  expect(res.status).toBe(200);
  return ConversationResponseSchema.parse(await res.json()).conversation;
}

export async function listConversations(url: string): Promise<ConversationSummary[]> {
  const res = await fetch(`${url}/api/conversations`);
  expect(res.status).toBe(200);
  return ConversationsListResponseSchema.parse(await res.json()).conversations;
}

/** Upload PDFs from disk, wait until all are ready, and return their ids by file name. */
export async function ingestAll(url: string, paths: string[]): Promise<Map<string, string>> {
  const res = await upload(url, paths.map((p) => ({ path: p })));
  expect(res.status).toBe(202);
  await waitForIngestion(url);
  const list = (await (await fetch(`${url}/api/documents`)).json()) as { documents: { id: string; name: string; status: string }[] };
  expect(list.documents.map((d) => d.status)).toEqual(paths.map(() => 'ready'));
  return new Map(list.documents.map((d) => [d.name, d.id]));
}

export async function pageText(url: string, documentId: string, page: number): Promise<string> {
  const res = await fetch(`${url}/api/documents/${documentId}/pages/${page}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { page: { text: string } }).page.text;
}

/** Poll until `check` returns true or `ms` pass; returns whether it became true. */
export async function until(check: () => boolean | Promise<boolean>, ms: number, stepMs = 20): Promise<boolean> {
  const deadline = performance.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
