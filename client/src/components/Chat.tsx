import type { Source } from '@pagewise/shared';
import { useEffect, useRef } from 'react';
import type { UiMessage } from '../hooks/useChat';
import type { ScopeNotice as Notice } from '../hooks/useScope';
import { Composer } from './Composer';
import { MessageView } from './MessageView';
import type { SupportSpan } from './Markdown';
import { ScopeNotice } from './ScopeNotice';

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
  /** Documents of the scope were deleted; `blocked`: none is left, so nothing is sent until the user chooses. */
  notice: Notice | null;
  onDismissNotice: () => void;
}

export function Chat({ messages, streaming, canAsk, scopeLabel, mode, onSend, onStop, onRetry, onOpen, notice, onDismissNotice }: Props) {
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Newer browsers return a promise from scrollIntoView; an effect must not return it.
    void end.current?.scrollIntoView({ block: 'end' });
  }, [messages]);
  const held = !!notice?.blocked;
  const placeholder = !canAsk ? 'Upload a PDF first' : held ? 'Pick documents, or search all documents, to ask' : `Ask about ${scopeLabel}…`;

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
      {notice && <ScopeNotice notice={notice} onDismiss={onDismissNotice} />}
      <Composer canAsk={canAsk} streaming={streaming} held={held} placeholder={placeholder} onSend={onSend} onStop={onStop} />
    </section>
  );
}
