import type { Source, Verification } from '@pagewise/shared';
import { useState } from 'react';
import type { UiMessage } from '../hooks/useChat';
import { explain } from '../messages';
import { AnswerBody } from './AnswerBody';
import type { SupportSpan } from './Markdown';

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

interface Props {
  m: UiMessage;
  /** The question this message answers (its words are marked in the passages of an answer without a model). */
  question?: string;
  onOpen: (s: Source, support?: SupportSpan) => void;
  onRetry: () => void;
  isLast: boolean;
}

export function MessageView({ m, question = '', onOpen, onRetry, isLast }: Props) {
  const [copied, setCopied] = useState(false);
  if (m.role === 'user') {
    return (
      <div className="msg user">
        <div className="bubble">{m.content}</div>
      </div>
    );
  }
  const notFound = /not (contain|include|mention)|keine|nicht enthalten|没有|未提及/i.test(m.content) && m.citations.length === 0 && m.status === 'complete';
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
      <AnswerBody m={m} question={question} onOpen={onOpen} />
      {m.status === 'streaming' && !m.content && !m.reasoning && <p className="pending">Searching your documents…</p>}
      {notFound && <p className="note">Your documents do not seem to contain this. Try rephrasing, or check which documents are selected.</p>}
      {m.error && (
        <p className="error" role="alert">
          {explain(m.error.code, m.error.message)}
        </p>
      )}
      {m.status === 'incomplete' && !m.error && <p className="note">This answer is incomplete (it was stopped or cut off).</p>}
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
