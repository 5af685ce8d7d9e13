import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';

interface Props {
  canAsk: boolean;
  streaming: boolean;
  /** Nothing is sent (the scope's documents are gone and the user has not chosen yet). */
  held: boolean;
  placeholder: string;
  onSend: (q: string) => void;
  onStop: () => void;
}

/** The question box: Enter asks, Shift+Enter breaks the line; it takes focus on load once there is something to ask. */
export function Composer({ canAsk, streaming, held, placeholder, onSend, onStop }: Props) {
  const [text, setText] = useState('');
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (canAsk && (!document.activeElement || document.activeElement === document.body)) box.current?.focus();
  }, [canAsk]);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const q = text.trim();
    if (!q || streaming || !canAsk || held) return;
    onSend(q);
    setText('');
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) submit(e);
  };

  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor="question" className="sr-only">
        Your question
      </label>
      <textarea id="question" ref={box} value={text} onChange={(e) => setText(e.target.value)} onKeyDown={onKey} placeholder={placeholder} rows={2} disabled={!canAsk} />
      {streaming ? (
        <button type="button" onClick={onStop} className="stop">
          Stop
        </button>
      ) : (
        <button type="submit" disabled={!canAsk || !text.trim() || held}>
          Ask
        </button>
      )}
    </form>
  );
}
