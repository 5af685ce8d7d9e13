import { pageName } from '@pagewise/shared';
import { useEffect, useState } from 'react';

export interface ViewerBarProps {
  title: string;
  page: number;
  total: number;
  /** The PDF's printed page labels, one per physical page, when it has them. */
  labels: string[] | null;
  /** The zoom in percent, or null while the page is fitted to the width. */
  zoom: number | null;
  onPage: (page: number) => void;
  onZoom: (step: 1 | -1) => void;
  onFit: () => void;
  onClose: () => void;
}

/** The physical page a typed box value means: a printed label first ("ii", "528"), else a physical number. */
export function pageFromBox(value: string, labels: string[] | null, total: number): number | null {
  const v = value.trim();
  if (!v) return null;
  const byLabel = labels?.findIndex((l) => l === v) ?? -1;
  if (byLabel >= 0) return byLabel + 1;
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && (!total || n <= total) ? n : null;
}

/**
 * The viewer's one-row toolbar: title, previous/next, the page box (the printed label, typed labels or numbers
 * accepted, the physical page beside it as "(2) / 66"), zoom, fit to width, close.
 */
export function ViewerBar({ title, page, total, labels, zoom, onPage, onZoom, onFit, onClose }: ViewerBarProps) {
  const label = labels?.[page - 1] ?? null;
  const shown = pageName(page, label);
  const boxValue = label?.trim() || String(page);
  const [draft, setDraft] = useState(boxValue);
  useEffect(() => setDraft(boxValue), [boxValue]);
  const commit = () => {
    const n = pageFromBox(draft, labels, total);
    if (n) onPage(n);
    else setDraft(boxValue);
  };
  return (
    <div className="viewer-bar">
      <span className="viewer-title" title={title}>
        {title}
      </span>
      <button type="button" className="tool" onClick={() => onPage(Math.max(1, page - 1))} disabled={page <= 1} aria-label="Previous page">
        ‹
      </button>
      <input
        className="page-box"
        type="text"
        inputMode="text"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
        onBlur={commit}
        aria-label="Page number"
      />
      <span className="page-of muted">
        {shown !== boxValue ? `(${page}) ` : ''}/ {total || '…'}
      </span>
      <button type="button" className="tool" onClick={() => onPage(Math.min(total || page, page + 1))} disabled={!!total && page >= total} aria-label="Next page">
        ›
      </button>
      <button type="button" className="tool" onClick={() => onZoom(-1)} aria-label="Zoom out">
        −
      </button>
      <span className="zoom muted">{zoom === null ? 'Fit' : `${zoom}%`}</span>
      <button type="button" className="tool" onClick={() => onZoom(1)} aria-label="Zoom in">
        +
      </button>
      <button type="button" className="tool" onClick={onFit} aria-label="Fit to width" aria-pressed={zoom === null}>
        ↔
      </button>
      <button type="button" className="tool" onClick={onClose} aria-label="Close viewer">
        ✕
      </button>
    </div>
  );
}
