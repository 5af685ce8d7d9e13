/**
 * Clients of Pagewise's OpenAI-compatible endpoint as users run them: the official `openai` SDK and LangChain's
 * `ChatOpenAI`, pointed at `<server>/v1`. Plus the checks every answer must pass: the completion's extra
 * `sources` parse, and each resolves to a page of the library whose text contains its quote.
 */
import { expect } from 'vitest';
import OpenAI from 'openai';
import { ChatOpenAI } from '@langchain/openai';
import { OpenAISourceSchema, type OpenAISource } from '@pagewise/shared';
import { squash } from './chat.js';

/** The SDK as an application would set it up; retries off so that a test sees each answer once. */
export function openaiClient(url: string, apiKey = 'no-key-needed-on-loopback', timeoutMs = 120_000): OpenAI {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, timeout: timeoutMs });
}

export function langchainModel(url: string, opts: { apiKey?: string; maxTokens?: number; streaming?: boolean; timeoutMs?: number } = {}): ChatOpenAI {
  return new ChatOpenAI({
    model: 'pagewise',
    apiKey: opts.apiKey ?? 'no-key-needed-on-loopback',
    configuration: { baseURL: `${url}/v1` },
    maxRetries: 0,
    timeout: opts.timeoutMs ?? 120_000,
    streaming: opts.streaming ?? false,
    ...(opts.maxTokens ? { maxTokens: opts.maxTokens } : {}),
  });
}

/** Pagewise's additions to a completion or to the last chunk of a stream. */
export function sourcesOf(value: unknown): OpenAISource[] {
  const raw = (value as { sources?: unknown }).sources;
  expect(Array.isArray(raw), 'the response carries a sources array').toBe(true);
  return (raw as unknown[]).map((x) => OpenAISourceSchema.parse(x));
}

/** Every source names a page whose extracted text holds its quote; returns the page texts by `n`. */
export async function expectSourcesResolve(url: string, sources: OpenAISource[], headers: Record<string, string> = {}): Promise<Map<number, string>> {
  const pages = new Map<number, string>();
  for (const s of sources) {
    const res = await fetch(`${url}/api/documents/${s.document_id}/pages/${s.page}`, { headers });
    expect(res.status, `[${s.n}] ${s.document} p.${s.page} exists`).toBe(200);
    const page = (await res.json()) as { page: { text: string; label: string | null } };
    expect(s.label).toBe(page.page.label ?? String(s.page));
    expect(squash(page.page.text), `[${s.n}] ${s.document} p.${s.page} holds its quote`).toContain(squash(s.quote));
    pages.set(s.n, page.page.text);
  }
  return pages;
}

/** The `[n]` markers of an answer, in order of first appearance. */
export function markersOf(text: string): number[] {
  return [...new Set([...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])))];
}
