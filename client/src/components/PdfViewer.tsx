/**
 * The in-app PDF viewer (pdfjs-dist in the browser): opens a document at a page, renders it to a canvas with a
 * text layer, and highlights the cited passage, or exactly the span of it that supports a claim. Document scripting stays off; pdf.js never evaluates font code.
 */
import * as pdfjs from 'pdfjs-dist';
// The unminified worker: it carries the object-stream patch (patches/pdfjs-dist+5.6.205.patch) the minified one lacks.
import workerUrl from 'pdfjs-dist/build/pdf.worker.mjs?url';
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { useDialogFocus } from '../hooks/useDialogFocus';
import { highlightPassage } from './highlight';

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;

export interface ViewerTarget {
  documentId: string;
  documentName: string;
  page: number;
  /** Passage (chunk) text to highlight on `page`. */
  passage?: string;
  /**
   * Only this part of the passage (offsets in its text: the span that supports a claim). `pageStart`/`pageEnd`
   * are the same span in the page's text, from the chunk's stored position on its page.
   */
  span?: { start: number; end: number; pageStart: number; pageEnd: number };
}

export function PdfViewer({ target, onClose }: { target: ViewerTarget; onClose: () => void }) {
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [page, setPage] = useState(target.page);
  const [scale, setScale] = useState(1.2);
  const [highlighted, setHighlighted] = useState(0);
  const canvas = useRef<HTMLCanvasElement>(null);
  const textLayer = useRef<HTMLDivElement>(null);
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    setPage(target.page);
  }, [target]);

  useEffect(() => {
    let cancelled = false;
    setDoc(null);
    setError(null);
    const task = pdfjs.getDocument({
      url: api.fileUrl(target.documentId),
      cMapUrl: '/pdfjs/cmaps/',
      cMapPacked: true,
      standardFontDataUrl: '/pdfjs/standard_fonts/',
      isEvalSupported: false,
      enableXfa: false,
      withCredentials: true,
    });
    task.promise.then(
      (d) => !cancelled && setDoc(d),
      () => !cancelled && setError('This PDF could not be displayed.'),
    );
    return () => {
      cancelled = true;
      void task.destroy();
    };
  }, [target.documentId]);

  useEffect(() => {
    if (!doc || !canvas.current || !textLayer.current) return;
    let cancelled = false;
    let render: RenderTask | null = null;
    let text: pdfjs.TextLayer | null = null;
    const n = Math.min(Math.max(1, page), doc.numPages);
    void (async () => {
      const p = await doc.getPage(n);
      if (cancelled) return;
      const viewport = p.getViewport({ scale });
      const ratio = window.devicePixelRatio || 1;
      const c = canvas.current!;
      c.width = Math.floor(viewport.width * ratio);
      c.height = Math.floor(viewport.height * ratio);
      c.style.width = `${Math.floor(viewport.width)}px`;
      c.style.height = `${Math.floor(viewport.height)}px`;
      render = p.render({ canvas: c, viewport, transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined });
      const layer = textLayer.current!;
      layer.replaceChildren();
      text = new pdfjs.TextLayer({ textContentSource: p.streamTextContent(), container: layer, viewport });
      await Promise.all([render.promise.catch(() => undefined), text.render()]);
      if (cancelled) return;
      setHighlighted(n === target.page && target.passage ? highlightPassage(layer, target.passage, target.span) : 0);
    })().catch(() => !cancelled && setError('This page could not be displayed.'));
    return () => {
      cancelled = true;
      render?.cancel();
      text?.cancel();
    };
  }, [doc, page, scale, target]);

  useDialogFocus(dialog, onClose);

  const total = doc?.numPages ?? 0;
  return (
    <div className="viewer" role="dialog" aria-modal="true" aria-label={`${target.documentName}, page ${page}`} ref={dialog} tabIndex={-1}>
      <div className="viewer-bar">
        <span className="viewer-title" title={target.documentName}>
          {target.documentName}
        </span>
        <button type="button" onClick={() => setPage((p) => Math.max(1, p - 1))} disabled={page <= 1} aria-label="Previous page">
          ‹
        </button>
        <label>
          <span className="sr-only">Page</span>
          <input
            type="number"
            min={1}
            max={total || undefined}
            value={page}
            onChange={(e) => {
              const v = Number(e.target.value);
              if (v >= 1 && (!total || v <= total)) setPage(v);
            }}
            aria-label="Page number"
          />
        </label>
        <span className="muted">/ {total || '…'}</span>
        <button type="button" onClick={() => setPage((p) => Math.min(total || p, p + 1))} disabled={!!total && page >= total} aria-label="Next page">
          ›
        </button>
        <button type="button" onClick={() => setScale((s) => Math.max(0.5, +(s - 0.2).toFixed(2)))} aria-label="Zoom out">
          −
        </button>
        <span className="muted">{Math.round(scale * 100)}%</span>
        <button type="button" onClick={() => setScale((s) => Math.min(3, +(s + 0.2).toFixed(2)))} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={onClose} aria-label="Close viewer">
          Close
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="viewer-scroll">
        <div
          className="pdf-page"
          data-page={page}
          data-highlighted={highlighted}
          data-span-start={target.span?.pageStart}
          data-span-end={target.span?.pageEnd}
          style={{ ['--scale-factor' as string]: scale, ['--total-scale-factor' as string]: scale }}
        >
          <canvas ref={canvas} />
          <div ref={textLayer} className="textLayer" />
        </div>
      </div>
    </div>
  );
}
