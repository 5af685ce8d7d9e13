/**
 * Tabs of the app keep each other current. A tab that changes the library or the chat list announces it on a
 * BroadcastChannel and the other tabs of this origin refresh at once; a tab that comes back into view, or gets
 * focus, refreshes too (a change made elsewhere, e.g. through the API, shows as soon as the tab is looked at).
 */
import { useEffect } from 'react';

export type SyncTopic = 'documents' | 'conversations';

// One channel object per tab: a BroadcastChannel does not hear its own messages, so a tab never refreshes
// because of its own announcement.
const channel: BroadcastChannel | null = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('pagewise');

export function announce(topic: SyncTopic): void {
  channel?.postMessage({ topic });
}

/** Calls `refresh` when another tab announces `topic`, and when this tab becomes visible or gets focus. */
export function useSync(topic: SyncTopic, refresh: () => void): void {
  useEffect(() => {
    const onMessage = (e: MessageEvent) => {
      if ((e.data as { topic?: unknown } | null)?.topic === topic) refresh();
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') refresh();
    };
    const onFocus = () => refresh();
    channel?.addEventListener('message', onMessage);
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onFocus);
    return () => {
      channel?.removeEventListener('message', onMessage);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onFocus);
    };
  }, [topic, refresh]);
}
