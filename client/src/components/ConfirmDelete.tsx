import { useEffect, useRef, useState } from 'react';

/**
 * A ✕ button that asks before deleting: "Delete" and "Keep" take its place (Keep has focus, so Enter keeps),
 * and focus returns to the ✕ after Keep.
 */
export function ConfirmDelete({ name, onDelete }: { name: string; onDelete: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const keep = useRef<HTMLButtonElement>(null);
  const ask = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (confirming) keep.current?.focus();
    else if (asked.current) ask.current?.focus();
  }, [confirming]);
  if (!confirming) {
    return (
      <button type="button" className="icon" ref={ask} aria-label={`Delete ${name}`} onClick={() => ((asked.current = true), setConfirming(true))}>
        ✕
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={`Delete ${name}?`}>
      <button type="button" className="danger" onClick={() => (setConfirming(false), onDelete())}>
        Delete
      </button>
      <button type="button" ref={keep} onClick={() => setConfirming(false)}>
        Keep
      </button>
    </span>
  );
}
