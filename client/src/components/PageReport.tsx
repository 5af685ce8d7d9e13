import { pageName, type PageQuality } from '@pagewise/shared';
import { useEffect, useState } from 'react';
import { api } from '../api';

/** What the library shows beside a document's size: pages read by OCR and pages flagged, at a glance. */
export function QualityBadges({ ocrPages, warningPages }: { ocrPages: number; warningPages: number }) {
  return (
    <>
      {ocrPages > 0 && <span className="badge ocr">{ocrPages} by OCR</span>}
      {warningPages > 0 && (
        <span className="badge warn" title="Some pages' text may not be what the page shows: open the page report">
          ⚠ {warningPages} {warningPages === 1 ? 'page' : 'pages'} flagged
        </span>
      )}
    </>
  );
}

function sourceLabel(p: PageQuality): string {
  if (p.source === 'ocr') return p.ocrConfidence === null ? 'OCR' : `OCR ${Math.round(p.ocrConfidence)}%`;
  return p.source === 'text' ? 'text' : 'none';
}

/** Every page of a document: its characters, where its text came from, and why it may be unreadable. */
export function PageTable({ pages, onOpenPage }: { pages: PageQuality[]; onOpenPage?: (page: number) => void }) {
  return (
    <table className="page-report">
      <thead>
        <tr>
          <th scope="col">Page</th>
          <th scope="col">Chars</th>
          <th scope="col">Source</th>
          <th scope="col">Warnings</th>
        </tr>
      </thead>
      <tbody>
        {pages.map((p) => (
          <tr key={p.number} className={p.warnings.length ? 'flagged' : undefined} data-source={p.source}>
            <td>
              {onOpenPage ? (
                <button type="button" className="link" onClick={() => onOpenPage(p.number)}>
                  {pageName(p.number, p.label)}
                </button>
              ) : (
                pageName(p.number, p.label)
              )}
            </td>
            <td>{p.chars.toLocaleString()}</td>
            <td>{sourceLabel(p)}</td>
            <td>
              {p.warnings.map((w) => (
                <span key={w.code} className="warning" title={w.message}>
                  ⚠ {w.message}
                </span>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The page report of one document, loaded when shown. */
export function PageReport({ documentId, onOpenPage }: { documentId: string; onOpenPage?: (page: number) => void }) {
  const [pages, setPages] = useState<PageQuality[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.pages(documentId).then(
      (r) => live && setPages(r.pages),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [documentId]);
  if (error) return <p className="error">{error}</p>;
  if (!pages) return <p className="muted">Loading the page report…</p>;
  if (pages.length === 0) return <p className="muted">No pages were stored for this document.</p>;
  return <PageTable pages={pages} onOpenPage={onOpenPage} />;
}
