/**
 * The in-app PDF viewer (pdfjs-dist in the browser): opens a document at a page, renders it to a canvas with a
 * text layer, and highlights the cited passage, or exactly the span of it that supports a claim. Document scripting stays off; pdf.js never evaluates font code.
 * It opens with the page fitted to the viewer's width (a phone never scrolls sideways); zooming leaves the fit.
 * Pages are named as everywhere else: the printed label, with the physical page beside it when they differ.
 */
import { pageRef } from '@pagewise/shared';
import * as pdfjs from 'pdfjs-dist';
// The unminified worker: it carries the object-stream patch (patches/pdfjs-dist+5.6.205.patch) the minified one lacks.
import workerUrl from 'pdfjs-dist/build/pdf.worker.mjs?url';
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { api } from '../api';
import { useDialogFocus } from '../hooks/useDialogFocus';
import { highlightPassage } from './highlight';
import { ViewerBar } from './ViewerBar';

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

/** Room left beside a fitted page inside the scroll area's content box: the vertical scrollbar a tall page brings. */
const FIT_MARGIN_PX = 16;

function useDocument(documentId: string) {
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [labels, setLabels] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    setDoc(null);
    setLabels(null);
    setError(null);
    const task = pdfjs.getDocument({
      url: api.fileUrl(documentId),
      cMapUrl: '/pdfjs/cmaps/',
      cMapPacked: true,
      standardFontDataUrl: '/pdfjs/standard_fonts/',
      isEvalSupported: false,
      enableXfa: false,
      withCredentials: true,
    });
    task.promise.then(
      async (d) => {
        const l = await d.getPageLabels().catch(() => null);
        if (cancelled) return;
        setLabels(l);
        setDoc(d);
      },
      () => !cancelled && setError('This PDF could not be displayed.'),
    );
    return () => {
      cancelled = true;
      void task.destroy();
    };
  }, [documentId]);
  return { doc, labels, error, setError };
}

/** The width the scroll area offers a page, followed as the window or the viewer is resized. */
function useWidth(el: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    if (!el.current) return;
    const ro = new ResizeObserver(([e]) => setWidth(e ? e.contentRect.width : 0));
    ro.observe(el.current);
    return () => ro.disconnect();
  }, [el]);
  return width;
}

interface RenderInput {
  doc: PDFDocumentProxy | null;
  page: number;
  /** Zoom factor, or null: fit the page to `width`. */
  zoom: number | null;
  width: number;
  target: ViewerTarget;
  canvas: RefObject<HTMLCanvasElement | null>;
  textLayer: RefObject<HTMLDivElement | null>;
  onError: (message: string) => void;
}

/** Renders one page into the canvas and text layer at the zoom (or fitted), and marks the cited passage on it. */
function useRenderedPage({ doc, page, zoom, width, target, canvas, textLayer, onError }: RenderInput) {
  const [scale, setScale] = useState(1);
  const [highlighted, setHighlighted] = useState(0);
  useEffect(() => {
    if (!doc || !canvas.current || !textLayer.current || (zoom === null && width === 0)) return;
    let cancelled = false;
    let render: RenderTask | null = null;
    let text: pdfjs.TextLayer | null = null;
    const n = Math.min(Math.max(1, page), doc.numPages);
    void (async () => {
      const p = await doc.getPage(n);
      if (cancelled) return;
      const s = zoom ?? Math.max(0.25, (width - FIT_MARGIN_PX) / p.getViewport({ scale: 1 }).width);
      setScale(s);
      const viewport = p.getViewport({ scale: s });
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
    })().catch(() => !cancelled && onError('This page could not be displayed.'));
    return () => {
      cancelled = true;
      render?.cancel();
      text?.cancel();
    };
  }, [doc, page, zoom, width, target, canvas, textLayer, onError]);
  return { scale, highlighted };
}

export function PdfViewer({ target, onClose }: { target: ViewerTarget; onClose: () => void }) {
  const { doc, labels, error, setError } = useDocument(target.documentId);
  const [page, setPage] = useState(target.page);
  /** Zoom factor, or null: fit the page to the width. */
  const [zoom, setZoom] = useState<number | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const textLayer = useRef<HTMLDivElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const width = useWidth(scroller);
  const { scale, highlighted } = useRenderedPage({ doc, page, zoom, width, target, canvas, textLayer, onError: setError });

  useEffect(() => {
    setPage(target.page);
  }, [target]);


  useDialogFocus(dialog, onClose);

  const total = doc?.numPages ?? 0;
  const where = pageRef(page, labels?.[page - 1]);
  return (
    <div className="viewer" role="dialog" aria-modal="true" aria-label={`${target.documentName}, ${where}`} ref={dialog} tabIndex={-1}>
      <ViewerBar
        title={target.documentName}
        page={page}
        total={total}
        labels={labels}
        zoom={zoom === null ? null : Math.round(zoom * 100)}
        onPage={setPage}
        onZoom={(step) => setZoom(Math.min(3, Math.max(0.25, +((zoom ?? scale) + 0.2 * step).toFixed(2))))}
        onFit={() => setZoom(null)}
        onClose={onClose}
      />
      {error && <p className="error" role="alert">{error}</p>}
      <div className="viewer-scroll" ref={scroller} tabIndex={0} role="region" aria-label={`Page ${where}`}>
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
