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
import type { AnswerSink, StreamRegistry } from './streams.js';

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
