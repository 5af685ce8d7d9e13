import { NO_MODEL_NOTE, pageRef, type Source } from '@pagewise/shared';
import type { UiMessage } from '../hooks/useChat';
import { Markdown, type SupportSpan } from './Markdown';
import { Passages } from './Passages';

interface Props {
  m: UiMessage;
  question: string;
  onOpen: (s: Source, support?: SupportSpan) => void;
}

/**
 * An answer's text and its sources. A written answer is markdown with citation chips, then its source list.
 * Without a model the server's answer is its notice and the passages: shown here once, the passages whole,
 * collapsible, with the question's words marked.
 */
export function AnswerBody({ m, question, onOpen }: Props) {
  const cited = m.citations;
  const extractive = m.mode === 'extractive' || m.content.startsWith(NO_MODEL_NOTE);
  if (extractive) {
    const query = m.searched?.rewritten ? `${question} ${m.searched.query}` : question;
    return (
      <>
        <p className="note">No model configured: these are the most relevant passages from your documents, whole. Set LLM_BASE_URL to get written answers.</p>
        {m.content && cited.length === 0 && m.status !== 'streaming' && <p>Nothing in your documents matched this question.</p>}
        <Passages sources={cited} query={query} onOpen={onOpen} />
      </>
    );
  }
  return (
    <>
      <Markdown text={m.content} sources={m.sources.length ? m.sources : cited} onOpen={onOpen} claims={m.verification?.claims} />
      {cited.length > 0 && (
        <ol className="sources" aria-label="Sources">
          {cited.map((c) => (
            <li key={c.n}>
              <button type="button" className="link" onClick={() => onOpen(c)}>
                [{c.n}] {c.documentName}, {pageRef(c.page, c.pageLabel)}
              </button>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
