/**
 * The OpenAI-compatible endpoint onto the library: `GET /v1/models` (the scopes, see models.ts) and
 * `POST /v1/chat/completions`, which runs the same answer as `POST /api/chat` (follow-up rewriting, scoped
 * retrieval, the prompt, citation normalisation, the claim check) and sends it in OpenAI's format.
 */
import { Router, type RequestHandler } from 'express';
import { OpenAIChatRequestSchema } from '@pagewise/shared';
import type { ChatService } from '../../../answer/chat.js';
import type { Logger } from '../../../logger.js';
import { runAnswer } from '../../answers.js';
import type { StreamRegistry } from '../../streams.js';
import { parse } from '../../validate.js';
import { ModelScopes } from './models.js';
import { toAnswerRequest } from './request.js';
import { ChunkStreamSink, CompletionSink } from './response.js';

export interface OpenAIRouterDeps {
  chat: ChatService;
  streams: StreamRegistry;
  /** The per-address limit on questions, shared with /api/chat. */
  questions: RequestHandler;
  contextTokens: number;
  log: Logger;
}

export function openAIRouter(deps: OpenAIRouterDeps): Router {
  const scopes = new ModelScopes();
  const router = Router();
  router.get('/models', (_req, res) => {
    res.json({ object: 'list', data: scopes.list().map((s) => scopes.describe(s)) });
  });
  // Collection ids hold a slash (`pagewise/<slug>`).
  router.get('/models/*id', (req, res) => {
    const id = (req.params as { id: string[] }).id.join('/');
    res.json(scopes.describe(scopes.resolve(id)));
  });
  router.post('/chat/completions', deps.questions, async (req, res) => {
    const body = parse(OpenAIChatRequestSchema, req.body);
    const scope = scopes.resolve(body.model);
    const { request, options } = toAnswerRequest(body, scope.documentIds, deps.contextTokens);
    const head = { model: scope.id, stored: options.keep !== 'none' };
    const sink = body.stream ? new ChunkStreamSink(res, head) : new CompletionSink(res, head);
    await runAnswer(req, res, deps.streams, sink, (emit, signal) => deps.chat.answer(request, emit, signal, options), deps.log);
  });
  return router;
}
