/**
 * One answer over HTTP, whatever shape its events take on the wire (the web app's typed SSE events, or an
 * OpenAI-style stream or completion): a stream slot (429 TOO_MANY_STREAMS before any header), the model request
 * aborted at once when the client goes away, the answer registered so that shutdown can tell it, and one place
 * where a failure becomes the final `error` event.
 */
import type { Request, Response } from 'express';
import type { ChatEvent } from '@pagewise/shared';
import { isDiskFull, tooManyStreams } from '../errors.js';
import type { Logger } from '../logger.js';

/** Where the events of one answer go. */
export interface AnswerSink {
  /** Called once a stream slot is held, before the first event. */
  open(): void;
  send(event: ChatEvent): void;
  /** Called once, last; never writes to a response that has already ended. */
  end(): void;
}

export interface StreamLimits {
  maxStreams: number;
  maxStreamsPerClient: number;
}

/** Answers in progress, so that shutdown can tell each of them before the process exits. */
export class StreamRegistry {
  private readonly open = new Map<AnswerSink, AbortController>();
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

  register(sink: AnswerSink, controller: AbortController): void {
    this.open.set(sink, controller);
  }

  release(client: string, sink: AnswerSink | null): void {
    const n = (this.perClient.get(client) ?? 1) - 1;
    if (n <= 0) this.perClient.delete(client);
    else this.perClient.set(client, n);
    if (sink) this.open.delete(sink);
  }

  /** Tell every open answer the server is going away, then end them. */
  shutdown(): void {
    for (const [sink, controller] of this.open) {
      sink.send({ type: 'error', code: 'SHUTTING_DOWN', message: 'The server is restarting; ask again in a moment.' });
      controller.abort();
      sink.end();
    }
    this.open.clear();
  }
}

export type RunAnswer = (emit: (e: ChatEvent) => void, signal: AbortSignal) => Promise<void>;

export async function runAnswer(req: Request, res: Response, streams: StreamRegistry, sink: AnswerSink, run: RunAnswer, log: Logger): Promise<void> {
  const client = req.socket.remoteAddress ?? 'unknown';
  if (!streams.acquire(client)) {
    res.setHeader('Retry-After', '5');
    throw tooManyStreams();
  }
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  try {
    sink.open();
    streams.register(sink, controller);
    await run((e) => sink.send(e), controller.signal);
  } catch (err) {
    if (!controller.signal.aborted && isDiskFull(err)) {
      log.warn({ err }, 'chat stream failed: disk full');
      sink.send({ type: 'error', code: 'INSUFFICIENT_STORAGE', message: 'The server has run out of disk space, so the conversation could not be saved. Free some space and try again.' });
    } else if (!controller.signal.aborted) {
      log.error({ err }, 'chat stream failed');
      sink.send({ type: 'error', code: 'INTERNAL_ERROR', message: 'The answer failed unexpectedly; try again.' });
    }
  } finally {
    streams.release(client, sink);
    sink.end();
  }
}
