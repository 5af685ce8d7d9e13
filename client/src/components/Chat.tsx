import type { Source } from '@pagewise/shared';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { UiMessage } from '../hooks/useChat';
import { MessageView } from './MessageView';
import type { SupportSpan } from './Markdown';

interface Props {
  messages: UiMessage[];
  streaming: boolean;
  canAsk: boolean;
  scopeLabel: string;
  mode: 'llm' | 'extractive' | null;
  onSend: (q: string) => void;
  onStop: () => void;
  onRetry: () => void;
  onOpen: (s: Source, support?: SupportSpan) => void;
}

export function Chat({ messages, streaming, canAsk, scopeLabel, mode, onSend, onStop, onRetry, onOpen }: Props) {
  const [text, setText] = useState('');
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Newer browsers return a promise from scrollIntoView; an effect must not return it.
    void end.current?.scrollIntoView({ block: 'end' });
  }, [messages]);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const q = text.trim();
    if (!q || streaming || !canAsk) return;
    onSend(q);
    setText('');
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) submit(e);
  };

  return (
    <section className="chat" aria-label="Chat">
      <div className="messages" aria-live="polite">
        {messages.length === 0 && (
          <div className="empty">
            <h2>Ask your documents</h2>
            <p>{canAsk ? 'Answers cite the pages they come from; click a citation to check it.' : 'Upload a PDF to start. Answers will cite the pages they come from.'}</p>
            {mode === 'extractive' && <p className="note">No language model is configured: you will get the most relevant passages, cited. Set LLM_BASE_URL to get written answers.</p>}
          </div>
        )}
        {messages.map((m, i) => (
          <MessageView key={m.id} m={m} question={messages[i - 1]?.role === 'user' ? messages[i - 1]!.content : ''} onOpen={onOpen} onRetry={onRetry} isLast={i === messages.length - 1} />
        ))}
        <div ref={end} />
      </div>
      <form className="composer" onSubmit={submit}>
        <label htmlFor="question" className="sr-only">
          Your question
        </label>
        <textarea
          id="question"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKey}
          placeholder={canAsk ? `Ask about ${scopeLabel}…` : 'Upload a PDF first'}
          rows={2}
          disabled={!canAsk}
        />
        {streaming ? (
          <button type="button" onClick={onStop} className="stop">
            Stop
          </button>
        ) : (
          <button type="submit" disabled={!canAsk || !text.trim()}>
            Ask
          </button>
        )}
      </form>
    </section>
  );
}
