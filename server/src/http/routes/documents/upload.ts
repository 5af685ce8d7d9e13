/**
 * Multipart upload handling: multer writes each part to DATA_DIR/tmp under a random name with size and count
 * limits; every multer/busboy failure maps to a stable 4xx code; temp files never outlive the request.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import { fileTooLarge, insufficientStorage, isDiskFull, malformedUpload, tooManyFiles, AppError } from '../../../errors.js';

export interface UploadLimits {
  tmpDir: string;
  maxFileBytes: number;
  maxFiles: number;
}

export type UploadedFile = Express.Multer.File;

export function createUploadParser(limits: UploadLimits) {
  // Temp files by request: multer leaves behind the partial file whose write failed (ENOSPC), so a failed parse
  // removes every file it started.
  const started = new WeakMap<Request, string[]>();
  const parser = multer({
    storage: multer.diskStorage({
      destination: limits.tmpDir,
      filename: (req, _file, cb) => {
        const name = `${randomUUID()}.upload`;
        const list = started.get(req as Request) ?? [];
        list.push(path.join(limits.tmpDir, name));
        started.set(req as Request, list);
        cb(null, name);
      },
    }),
    limits: {
      fileSize: limits.maxFileBytes,
      files: limits.maxFiles,
      fields: 20,
      fieldSize: 64 * 1024,
      fieldNameSize: 100,
      parts: limits.maxFiles + 20,
      headerPairs: 100,
    },
    defParamCharset: 'utf8',
  }).array('files', limits.maxFiles);

  const maxMb = Math.round(limits.maxFileBytes / (1024 * 1024));

  return function parseUpload(req: Request, res: Response): Promise<UploadedFile[]> {
    return new Promise((resolve, reject) => {
      parser(req, res, (err: unknown) => {
        if (!err) return resolve((req.files as UploadedFile[] | undefined) ?? []);
        for (const p of started.get(req) ?? []) fs.rmSync(p, { force: true });
        reject(mapUploadError(err, limits.maxFiles, maxMb));
      });
    });
  };
}

function mapUploadError(err: unknown, maxFiles: number, maxMb: number): AppError {
  if (err instanceof MulterError) {
    switch (err.code) {
      case 'LIMIT_FILE_SIZE':
        return fileTooLarge(maxMb);
      case 'LIMIT_FILE_COUNT':
      case 'LIMIT_PART_COUNT':
        return tooManyFiles(maxFiles);
      case 'LIMIT_UNEXPECTED_FILE':
        return malformedUpload(`unexpected file field "${String(err.field ?? '').slice(0, 50)}"; send PDFs in the "files" field`);
      default:
        return malformedUpload(err.message.toLowerCase());
    }
  }
  if (isDiskFull(err)) return insufficientStorage();
  if (err instanceof AppError) return err;
  // busboy: "Unexpected end of form", "Malformed part header", "Multipart: Boundary not found", aborted requests…
  const message = err instanceof Error ? err.message : 'unreadable multipart body';
  return malformedUpload(message.replace(/[^\x20-\x7e]/g, '').slice(0, 120).toLowerCase() || 'unreadable multipart body');
}

export function removeTempFiles(files: UploadedFile[]): void {
  for (const f of files) if (f.path) fs.rmSync(f.path, { force: true });
}
