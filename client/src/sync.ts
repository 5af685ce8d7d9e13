/**
 * Tabs of the app keep each other current. A tab that changes the library or the chat list announces it on a
 * BroadcastChannel and the other tabs of this origin refresh at once; a tab that comes back into view, or gets
 * focus, refreshes too (a change made elsewhere, e.g. through the API, shows as soon as the tab is looked at).
 */
import { useEffect } from 'react';

export type SyncTopic = 'documents' | 'conversations';
/** What changed, where the other tabs need more than a refresh (a chat deleted, which one may have open). */
export interface SyncDetail {
  deleted?: string;
}

// One channel object per tab: a BroadcastChannel does not hear its own messages, so a tab never refreshes
// because of its own announcement.
const channel: BroadcastChannel | null = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('pagewise');

export function announce(topic: SyncTopic, detail: SyncDetail = {}): void {
  channel?.postMessage({ topic, ...detail });
}

/** Calls `refresh` when another tab announces `topic` (with its detail), and when this tab becomes visible or gets focus. */
export function useSync(topic: SyncTopic, refresh: (detail: SyncDetail) => void): void {
  useEffect(() => {
    const onMessage = (e: MessageEvent) => {
      const data = e.data as ({ topic?: unknown } & SyncDetail) | null;
      if (data?.topic === topic) refresh({ deleted: typeof data.deleted === 'string' ? data.deleted : undefined });
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') refresh({});
    };
    const onFocus = () => refresh({});
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
