/** The one error middleware: AppErrors become their error body; anything else is logged and masked. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ErrorBody } from '@pagewise/shared';
import { AppError, insufficientStorage, internalError, isDiskFull, notFound, payloadTooLarge, validationError } from '../errors.js';
import type { Logger } from '../logger.js';

/** Map errors thrown by Express' own parsers and Node into AppErrors. */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; statusCode?: number; expose?: boolean } | null;
  if (e?.type === 'entity.too.large') return payloadTooLarge();
  if (e?.type === 'entity.parse.failed') return validationError('The request body is not valid JSON.');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return validationError('Unsupported request body encoding.');
  if (isDiskFull(err)) return insufficientStorage();
  const status = e?.status ?? e?.statusCode;
  if (e?.expose && typeof status === 'number' && status >= 400 && status < 500) return validationError('The request could not be read.');
  return null;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let appErr = toAppError(err);
    if (!appErr) {
      log.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
      appErr = internalError();
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body: ErrorBody = { error: appErr.toDetail() };
    res.status(appErr.status).json(body);
  };
}

export const apiNotFound: RequestHandler = (req, _res, next) => next(notFound(`Route ${req.method} ${req.path}`));
