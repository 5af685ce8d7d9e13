import type { Source, Verification } from '@pagewise/shared';
import { useState } from 'react';
import type { UiMessage } from '../hooks/useChat';
import { explain } from '../messages';
import { Markdown, type SupportSpan } from './Markdown';

function searchedSummary(s: NonNullable<UiMessage['searched']>): string {
  const n = s.expansions.length;
  const others = `${n} other wording${n === 1 ? '' : 's'}`;
  if (!s.rewritten) return `Also searched ${others}`;
  return `Searched for “${s.query}”${n ? ` and ${others}` : ''}`;
}

/** The answer footer's line of claim counts ("3 supported · 1 not supported"), empty when nothing was checked. */
export function claimCounts(v: Verification | null | undefined): string {
  if (!v || v.claims.length === 0) return '';
  const parts = [
    [v.counts.supported, 'supported'],
    [v.counts.partial, 'partly supported'],
    [v.counts.unsupported, 'not supported'],
    [v.counts.uncited, 'uncited'],
  ] as const;
  const total = v.claims.length;
  return `${total} claim${total === 1 ? '' : 's'} checked: ${parts.filter(([n]) => n > 0).map(([n, w]) => `${n} ${w}`).join(' · ')}`;
}

export function MessageView({ m, onOpen, onRetry, isLast }: { m: UiMessage; onOpen: (s: Source, support?: SupportSpan) => void; onRetry: () => void; isLast: boolean }) {
  const [copied, setCopied] = useState(false);
  if (m.role === 'user') {
    return (
      <div className="msg user">
        <div className="bubble">{m.content}</div>
      </div>
    );
  }
  const notFound = /not (contain|include|mention)|keine|nicht enthalten|没有|未提及/i.test(m.content) && m.citations.length === 0 && m.status === 'complete';
  const cited = m.citations.length ? m.citations : [];
  return (
    <div className="msg assistant" aria-busy={m.status === 'streaming'}>
      {m.reasoning && (
        <details className="thinking">
          <summary>{m.status === 'streaming' && !m.content ? 'Thinking…' : 'Thinking'}</summary>
          <div className="thinking-text">{m.reasoning}</div>
        </details>
      )}
      {m.searched && (
        <details className="searched">
          <summary>{searchedSummary(m.searched)}</summary>
          {m.searched.expansions.length > 0 && (
            <ul>
              {m.searched.expansions.map((x) => (
                <li key={x}>{x}</li>
              ))}
            </ul>
          )}
        </details>
      )}
      {m.missingDocuments ? <p className="note">{m.missingDocuments === 1 ? 'A document' : `${m.missingDocuments} documents`} of this chat’s scope had been deleted; only the others were searched.</p> : null}
      {m.mode === 'extractive' && <p className="note">No model configured — showing the best passages from your documents.</p>}
      <Markdown text={m.content} sources={m.sources.length ? m.sources : cited} onOpen={onOpen} claims={m.verification?.claims} />
      {m.status === 'streaming' && !m.content && !m.reasoning && <p className="pending">Searching your documents…</p>}
      {notFound && <p className="note">Your documents do not seem to contain this. Try rephrasing, or check which documents are selected.</p>}
      {m.error && (
        <p className="error" role="alert">
          {explain(m.error.code, m.error.message)}
        </p>
      )}
      {m.status === 'incomplete' && !m.error && <p className="note">This answer is incomplete (it was stopped or cut off).</p>}
      {cited.length > 0 && (
        <ol className="sources" aria-label="Sources">
          {cited.map((c) => (
            <li key={c.n}>
              <button type="button" className="link" onClick={() => onOpen(c)}>
                [{c.n}] {c.documentName}, page {c.pageLabel ?? c.page}
              </button>
            </li>
          ))}
        </ol>
      )}
      {m.status !== 'streaming' && claimCounts(m.verification) && (
        <p className="claim-counts" data-supported={m.verification!.counts.supported} data-partial={m.verification!.counts.partial} data-unsupported={m.verification!.counts.unsupported} data-uncited={m.verification!.counts.uncited}>
          {claimCounts(m.verification)}
        </p>
      )}
      {m.status !== 'streaming' && (
        <div className="msg-actions">
          <button
            type="button"
            onClick={() => {
              void navigator.clipboard?.writeText(m.content).then(() => setCopied(true));
              setTimeout(() => setCopied(false), 1500);
            }}
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
          {isLast && (
            <button type="button" onClick={onRetry}>
              Retry
            </button>
          )}
        </div>
      )}
    </div>
  );
}
