/**
 * `POST /api/chat`: validate, reserve a stream slot (429 TOO_MANY_STREAMS before any header), open the SSE
 * stream, and run the answer. A client that goes away aborts the upstream model request at once.
 */
import { Router } from 'express';
import { ChatRequestSchema } from '@pagewise/shared';
import type { ChatService } from '../../answer/chat.js';
import { isDiskFull, notFound, tooManyStreams } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ConversationStore } from '../../store/conversations.js';
import { SseStream } from '../sse.js';
import { parse } from '../validate.js';

export interface StreamLimits {
  maxStreams: number;
  maxStreamsPerClient: number;
}

/** Open streams, so that shutdown can tell each of them before the process exits. */
export class StreamRegistry {
  private readonly open = new Map<SseStream, AbortController>();
  private readonly perClient = new Map<string, number>();

  constructor(private readonly limits: StreamLimits) {}

  get size(): number {
    return this.open.size;
  }

  acquire(client: string): boolean {
    const n = this.perClient.get(client) ?? 0;
    if (this.open.size >= this.limits.maxStreams || n >= this.limits.maxStreamsPerClient) return false;
    this.perClient.set(client, n + 1);
    return true;
  }

  register(stream: SseStream, controller: AbortController): void {
    this.open.set(stream, controller);
  }

  release(client: string, stream: SseStream | null): void {
    const n = (this.perClient.get(client) ?? 1) - 1;
    if (n <= 0) this.perClient.delete(client);
    else this.perClient.set(client, n);
    if (stream) this.open.delete(stream);
  }

  /** Tell every open stream the server is going away, then end them. */
  shutdown(): void {
    for (const [stream, controller] of this.open) {
      stream.send({ type: 'error', code: 'SHUTTING_DOWN', message: 'The server is restarting; ask again in a moment.' });
      controller.abort();
      stream.end();
    }
    this.open.clear();
  }
}

export function chatRouter(chat: ChatService, conversations: ConversationStore, streams: StreamRegistry, log: Logger): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const body = parse(ChatRequestSchema, req.body);
    if (body.conversationId && !conversations.exists(body.conversationId)) throw notFound('Conversation');
    const client = req.socket.remoteAddress ?? 'unknown';
    if (!streams.acquire(client)) {
      res.setHeader('Retry-After', '5');
      throw tooManyStreams();
    }
    const controller = new AbortController();
    const sse = new SseStream(res);
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    try {
      sse.open();
      streams.register(sse, controller);
      await chat.answer(body, (e) => void sse.send(e), controller.signal);
    } catch (err) {
      if (!controller.signal.aborted && isDiskFull(err)) {
        log.warn({ err }, 'chat stream failed: disk full');
        sse.send({ type: 'error', code: 'INSUFFICIENT_STORAGE', message: 'The server has run out of disk space, so the conversation could not be saved. Free some space and try again.' });
      } else if (!controller.signal.aborted) {
        log.error({ err }, 'chat stream failed');
        sse.send({ type: 'error', code: 'INTERNAL_ERROR', message: 'The answer failed unexpectedly; try again.' });
      }
    } finally {
      streams.release(client, sse);
      sse.end();
    }
  });
  return router;
}
