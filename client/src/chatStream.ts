/** Reads the `POST /api/chat` event stream from a fetch body; every event is checked against the shared union. */
import { ChatEventSchema, type ChatEvent, type ChatRequest } from '@pagewise/shared';
import { createParser } from 'eventsource-parser';
import { ApiError, toApiError } from './api';

export async function streamChat(body: ChatRequest, onEvent: (e: ChatEvent) => void, signal: AbortSignal): Promise<void> {
  let res: Response;
  try {
    res = await fetch('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(body),
      signal,
      credentials: 'same-origin',
    });
  } catch (err) {
    if (signal.aborted) return;
    throw new ApiError(0, 'NETWORK_ERROR', 'The server could not be reached.');
  }
  if (!res.ok || !res.body) throw toApiError(res.status, await res.json().catch(() => null));
  const parser = createParser({
    onEvent: (msg) => {
      let data: unknown;
      try {
        data = JSON.parse(msg.data);
      } catch {
        return;
      }
      const parsed = ChatEventSchema.safeParse(data);
      if (parsed.success) onEvent(parsed.data);
    },
  });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(value);
    }
  } catch (err) {
    if (!signal.aborted) throw new ApiError(0, 'NETWORK_ERROR', 'The connection was lost while the answer was streaming.');
  } finally {
    reader.releaseLock();
  }
}
