import { Router } from 'express';
import type { DocumentPagesResponse, DocumentResponse, DocumentsListResponse } from '@pagewise/shared';
import { noFiles, unsupportedMediaType } from '../../../errors.js';
import type { Library } from '../../../ingest/library.js';
import { toSummary } from '../../../store/documents.js';
import { PageNumberSchema } from './schema.js';
import { parse, parseId } from '../../validate.js';
import { createUploadParser, removeTempFiles, type UploadLimits, type UploadedFile } from './upload.js';

export function documentsRouter(library: Library, limits: UploadLimits): Router {
  const router = Router();
  const parseUpload = createUploadParser(limits);

  router.post('/', async (req, res) => {
    if (!req.is('multipart/form-data')) throw unsupportedMediaType('Upload PDFs as multipart/form-data in the "files" field.');
    let files: UploadedFile[] = [];
    try {
      files = await parseUpload(req, res);
      if (files.length === 0) throw noFiles();
      const { response, created } = await library.accept(
        files.map((f) => ({ path: f.path, originalName: f.originalname, size: f.size })),
      );
      res.status(created > 0 ? 202 : 200).json(response);
    } finally {
      removeTempFiles(files);
    }
  });

  router.get('/', (_req, res) => {
    const { rows, chunks, pages } = library.list();
    const body: DocumentsListResponse = { documents: rows.map((r) => toSummary(r, chunks.get(r.id) ?? 0, pages.get(r.id))) };
    res.json(body);
  });

  router.get('/:id', (req, res) => {
    const id = parseId(req.params, 'Document');
    const row = library.get(id);
    const { chunks, pages } = library.list();
    const body: DocumentResponse = { document: toSummary(row, chunks.get(id) ?? 0, pages.get(id)) };
    res.json(body);
  });

  router.get('/:id/file', (req, res) => {
    const id = parseId(req.params, 'Document');
    const { path, name } = library.filePath(id);
    // Never rendered inline from the app origin (polyglot files): download only, sandboxed, no sniffing.
    res.attachment(name.toLowerCase().endsWith('.pdf') ? name : `${name}.pdf`);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
    res.sendFile(path, { dotfiles: 'deny', headers: { 'Content-Type': 'application/pdf' } });
  });

  router.get('/:id/pages', (req, res) => {
    const id = parseId(req.params, 'Document');
    const body: DocumentPagesResponse = library.pageReport(id);
    res.json(body);
  });

  router.get('/:id/pages/:page', (req, res) => {
    const id = parseId(req.params, 'Document');
    const number = parse(PageNumberSchema, req.params.page);
    const page = library.page(id, number);
    res.json({ page: { number, label: page.label, text: page.text, kind: page.kind } });
  });

  router.delete('/:id', async (req, res) => {
    const id = parseId(req.params, 'Document');
    await library.remove(id);
    res.status(204).end();
  });

  return router;
}
