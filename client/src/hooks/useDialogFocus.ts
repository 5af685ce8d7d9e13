/**
 * Keyboard behaviour of a modal dialog: focus moves into it when it opens, Tab and Shift+Tab go round its own
 * controls and never reach the page behind it, Escape closes it, and on close focus goes back to the control
 * that opened it (the citation chip), or to the question box when that control is gone.
 */
import { useEffect, useRef, type RefObject } from 'react';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
}

export function useDialogFocus(dialog: RefObject<HTMLElement | null>, onClose: () => void): void {
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
    dialog.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      const root = dialog.current;
      if (!root) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        close.current();
        return;
      }
      if (e.key !== 'Tab') return;
      const items = focusables(root);
      const first = items[0];
      const last = items[items.length - 1];
      const active = document.activeElement;
      const inside = active instanceof Node && root.contains(active);
      let next: HTMLElement | undefined;
      if (!inside) next = e.shiftKey ? last : first;
      else if (e.shiftKey && (active === first || active === root)) next = last;
      else if (!e.shiftKey && active === last) next = first;
      if (next || items.length === 0) {
        e.preventDefault();
        next?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      const back = opener?.isConnected ? opener : document.getElementById('question');
      back?.focus();
    };
  }, [dialog]);
}
