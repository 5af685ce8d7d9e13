/**
 * A picked document's overview (when a model is configured): a short summary whose `[n]` chips open the cited
 * pages, and three suggested questions that are asked about this document when clicked.
 */
import { pageRef, type Citation, type DocumentOverview } from '@pagewise/shared';
import { Fragment, useEffect, useState } from 'react';
import { libraryApi } from '../libraryApi';

const POLL_MS = 2000;

interface Props {
  documentId: string;
  onOpen: (c: Citation) => void;
  onAsk: (question: string) => void;
}

export function Overview({ documentId, onOpen, onAsk }: Props) {
  const [o, setO] = useState<DocumentOverview | null>(null);
  useEffect(() => {
    let stop = false;
    let timer: number | undefined;
    const load = () =>
      libraryApi.overview(documentId).then(
        (r) => {
          if (stop) return;
          setO(r.overview);
          if (r.overview.status === 'pending') timer = window.setTimeout(load, POLL_MS);
        },
        () => undefined,
      );
    void load();
    return () => {
      stop = true;
      window.clearTimeout(timer);
    };
  }, [documentId]);

  if (!o || o.status === 'off') return null;
  if (o.status === 'pending') return <p className="overview muted">Preparing an overview…</p>;
  if (o.status === 'failed') return <p className="overview muted">No overview: {o.error?.message ?? 'the model failed.'}</p>;
  const byN = new Map(o.citations.map((c) => [c.n, c]));
  return (
    <section className="overview" aria-label="Overview">
      <p className="overview-summary">
        {(o.summary ?? '').split(/\s*(\[\d+\])/).map((part, i) => {
          const c = /^\[(\d+)\]$/.exec(part) && byN.get(Number(part.slice(1, -1)));
          if (!c) return <Fragment key={i}>{part}</Fragment>;
          return (
            <button key={i} type="button" className="cite" onClick={() => onOpen(c)} aria-label={`Source ${c.n}: ${pageRef(c.page, c.pageLabel)}`}>
              {c.n}
            </button>
          );
        })}
      </p>
      <ul className="overview-questions" aria-label="Suggested questions">
        {o.questions.map((q) => (
          <li key={q}>
            <button type="button" className="link" onClick={() => onAsk(q)}>
              {q}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
