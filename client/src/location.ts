/**
 * What a reload must bring back, kept where a reload finds it: the open chat in the URL hash (`#chat=<id>`, so
 * it can also be bookmarked or opened in another tab) and the document selection in this tab's sessionStorage.
 */
const CHAT = /^#chat=([0-9a-f-]{36})$/i;
const SELECTION_KEY = 'pagewise.selection';

export function readChatId(): string | null {
  return CHAT.exec(window.location.hash)?.[1] ?? null;
}

export function writeChatId(id: string | null): void {
  const hash = id ? `#chat=${id}` : '';
  if (window.location.hash === hash) return;
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}${hash}`);
}

export function readSelection(): string[] {
  try {
    const v: unknown = JSON.parse(window.sessionStorage.getItem(SELECTION_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function writeSelection(ids: Iterable<string>): void {
  try {
    window.sessionStorage.setItem(SELECTION_KEY, JSON.stringify([...ids]));
  } catch {
    // storage full or disabled: the selection just does not survive a reload
  }
}
