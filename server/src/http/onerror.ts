/**
 * The one error middleware: AppErrors become their error body (in the OpenAI shape on /v1); anything else is
 * logged and masked.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ErrorBody } from '@pagewise/shared';
import { AppError, insufficientStorage, internalError, isDiskFull, malformedUrl, notFound, payloadTooLarge, validationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { isOpenAIPath, openAIErrorBody } from './openai-errors.js';

/** Map errors thrown by Express' own parsers and Node into AppErrors. */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; statusCode?: number; expose?: boolean } | null;
  if (e?.type === 'entity.too.large') return payloadTooLarge();
  if (e?.type === 'entity.parse.failed') return validationError('The request body is not valid JSON.');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return validationError('Unsupported request body encoding.');
  if (isDiskFull(err)) return insufficientStorage();
  // The router decoding a path parameter such as %E0%A4%A (SECURITY.md H6).
  if (err instanceof URIError) return malformedUrl();
  const status = e?.status ?? e?.statusCode;
  // serve-static/send: a missing file (ENOENT, ENOTDIR, ENAMETOOLONG) is a 404 whatever its `expose`.
  if (status === 404) return notFound();
  if (e?.expose && typeof status === 'number' && status >= 400 && status < 500) return validationError('The request could not be read.');
  return null;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let appErr = toAppError(err);
    if (!appErr) {
      log.error({ err, method: req.method, path: pathOnly(req.originalUrl) }, 'unhandled error');
      appErr = internalError();
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body: ErrorBody = { error: appErr.toDetail() };
    res.status(appErr.status).json(isOpenAIPath(req.originalUrl) ? openAIErrorBody(appErr.code, appErr.message, appErr.status, appErr.param) : body);
  };
}

/** The URL without its query string, which may carry a secret (`?access_token=…`): the only form ever logged. */
export function pathOnly(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

export const apiNotFound: RequestHandler = (req, _res, next) => next(notFound(`Route ${req.method} ${req.path}`));

/** Anything no route answered (a missing static file, an unknown method): the JSON error too, never HTML. */
export const anyNotFound: RequestHandler = (_req, _res, next) => next(notFound());
