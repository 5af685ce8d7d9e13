import { collapseLeaders, pageRef, type DocumentSummary, type SearchResult } from '@pagewise/shared';
import { useEffect, useState } from 'react';
import { api } from '../api';
import type { LibraryWorkspace } from '../hooks/useWorkspace';
import { explain } from '../messages';
import { CollectionBar } from './CollectionBar';
import { DocumentActions, DocumentName } from './DocumentActions';
import { Overview } from './Overview';
import { PageReport, QualityBadges } from './PageReport';
import { UploadList } from './UploadList';
import type { UploadItem } from './UploadZone';

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function age(iso: string): string {
  const s = (Date.now() - Date.parse(iso)) / 1000;
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

interface Props {
  documents: DocumentSummary[];
  uploads: UploadItem[];
  selected: Set<string>;
  onToggle: (id: string) => void;
  onDelete: (id: string) => void;
  onPick: () => void;
  onDismissUpload: (key: string) => void;
  onDismissAllUploads: () => void;
  onOpenHit: (hit: SearchResult) => void;
  /** Open a document's page in the viewer (from its page report). */
  onOpenPage: (doc: DocumentSummary, page: number) => void;
  /** Collections, opening, renaming and downloading documents, overviews (issue 18). */
  workspace: LibraryWorkspace;
}

export function Library({ documents, uploads, selected, onToggle, onDelete, onPick, onDismissUpload, onDismissAllUploads, onOpenHit, onOpenPage, workspace }: Props) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchResult[] | null>(null);
  const collectionId = workspace.collections.current?.id;

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setHits(null);
      return;
    }
    const ac = new AbortController();
    const t = window.setTimeout(() => {
      api
        .search({ query: q, k: 8, collectionId }, ac.signal)
        .then((r) => setHits(r.results))
        .catch(() => undefined);
    }, 250);
    return () => {
      window.clearTimeout(t);
      ac.abort();
    };
  }, [query, collectionId]);

  return (
    <section className="library" aria-label="Library">
      <div className="library-head">
        <h2>Library</h2>
        <button type="button" onClick={onPick}>
          Upload PDFs
        </button>
      </div>
      <CollectionBar collections={workspace.collections} onPick={workspace.onPickCollection} />
      <label className="sr-only" htmlFor="library-search">
        Search the library
      </label>
      <input id="library-search" type="search" placeholder={workspace.collections.current ? `Search ${workspace.collections.current.name}…` : 'Search all documents…'} value={query} onChange={(e) => setQuery(e.target.value)} />
      {hits && (
        <ul className="hits" aria-label="Search results">
          {hits.length === 0 && <li className="muted">No matches.</li>}
          {hits.map((h) => (
            <li key={h.chunkId}>
              <button type="button" className="hit" onClick={() => onOpenHit(h)}>
                <span className="hit-title">
                  {h.documentName} · {pageRef(h.page, h.pageLabel)}
                </span>
                <span className="hit-text">{collapseLeaders(h.text).slice(0, 160)}…</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <UploadList uploads={uploads} onDismiss={onDismissUpload} onDismissAll={onDismissAllUploads} />
      {documents.length === 0 && uploads.length === 0 && <p className="muted">No documents yet. Drop PDFs anywhere on the page, or use Upload.</p>}
      <ul className="docs">
        {documents.map((d) => (
          <DocumentItem
            key={d.id}
            d={d}
            picked={selected.has(d.id)}
            onToggle={() => onToggle(d.id)}
            onDelete={() => onDelete(d.id)}
            onOpenPage={(n) => onOpenPage(d, n)}
            workspace={workspace}
          />
        ))}
      </ul>
    </section>
  );
}

interface ItemProps {
  d: DocumentSummary;
  picked: boolean;
  onToggle: () => void;
  onDelete: () => void;
  onOpenPage: (page: number) => void;
  workspace: LibraryWorkspace;
}

/** One document of the library: pick for chat, status or progress, quality at a glance, page report, delete. */
function DocumentItem({ d, picked, onToggle, onDelete, onOpenPage, workspace }: ItemProps) {
  const [confirming, setConfirming] = useState(false);
  const [report, setReport] = useState(false);
  return (
    <li className={`doc ${d.status}`} data-status={d.status} data-stage={d.stage}>
      <input
        type="checkbox"
        id={`pick-${d.id}`}
        checked={picked}
        onChange={onToggle}
        disabled={d.status !== 'ready'}
        aria-label={`Use ${d.name} in chat`}
      />
      <div className="doc-main">
        <DocumentName d={d} onOpen={() => workspace.onOpenDocument(d)} />
        <span className="doc-meta">
          {d.status === 'ready' && `${d.pages} ${d.pages === 1 ? 'page' : 'pages'} · ${size(d.bytes)} · ${age(d.createdAt)}`}
          {d.status === 'queued' && 'Waiting…'}
          {d.stage === 'opening' && 'Opening…'}
          {d.stage === 'extracting' && `Reading pages: ${d.pagesDone} / ${d.pages}`}
          {d.stage === 'indexing' && `Indexing passages (all ${d.pages} pages read)…`}
          {d.status === 'failed' && <span className="error">{explain(d.error?.code ?? '', d.error?.message ?? 'Failed.')}</span>}
        </span>
        {(d.status === 'ready' || d.status === 'failed') && (d.pages ?? 0) > 0 && (
          <span className="doc-quality">
            <QualityBadges ocrPages={d.ocrPages} warningPages={d.warningPages} />
            <button type="button" className="link" aria-expanded={report} onClick={() => setReport(!report)}>
              {report ? 'Hide pages' : 'Pages'}
            </button>
          </span>
        )}
        <DocumentActions d={d} collection={workspace.collections.current} onToggleMember={() => workspace.collections.toggle(d.id)} onRenamed={workspace.onRenamed} />
        {picked && d.status === 'ready' && <Overview documentId={d.id} onOpen={workspace.onOpenCitation} onAsk={(q) => workspace.onAsk(q, d)} />}
        {report && <PageReport documentId={d.id} onOpenPage={d.status === 'ready' ? onOpenPage : undefined} />}
        {d.stage === 'extracting' && d.pages ? <progress max={d.pages} value={d.pagesDone} aria-label={`Reading ${d.name}`} /> : null}
        {d.stage === 'indexing' && <progress aria-label={`Indexing ${d.name}`} />}
      </div>
      {confirming ? (
        <span className="confirm">
          <button type="button" className="danger" onClick={() => (setConfirming(false), onDelete())}>
            Delete
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </span>
      ) : (
        <button type="button" className="icon" aria-label={`Delete ${d.name}`} onClick={() => setConfirming(true)}>
          ✕
        </button>
      )}
    </li>
  );
}
