/**
 * The chat side of the app: the chat list, the open chat and its document scope, kept across reloads and in step
 * with other tabs. A reload reopens the chat named in the URL hash; opening a chat restores its scope: the
 * documents it was asked about and the collection it belongs to.
 */
import type { DocumentSummary } from '@pagewise/shared';
import { useCallback, useEffect } from 'react';
import { api } from '../api';
import { readChatId } from '../location';
import { announce, useSync, type SyncDetail } from '../sync';
import { useChat } from './useChat';
import type { Collections } from './useCollections';
import { useConversations } from './useConversations';
import { useScope } from './useScope';

export function useSession(documents: DocumentSummary[], loaded: boolean, collections: Collections) {
  const { conversations, load } = useConversations();
  const scope = useScope(documents, loaded, collections.current);
  const changed = useCallback(() => {
    load();
    announce('conversations');
  }, [load]);
  const chat = useChat(changed, collections.current?.id ?? null);
  const { open: openConversation, conversationId, forget } = chat;
  useSync(
    'conversations',
    useCallback((d: SyncDetail) => d.deleted && forget(d.deleted), [forget]),
  );

  const open = useCallback(
    async (id: string | null) => {
      const conversation = await openConversation(id);
      if (!conversation) return;
      scope.replace(conversation.documentIds);
      collections.pick(conversation.collectionId ?? null);
    },
    [openConversation, scope.replace, collections.pick],
  );

  useEffect(() => {
    const id = readChatId();
    if (id) void open(id);
    // Once, on load: later opens come from the chat list.
  }, []);

  const rename = useCallback((id: string, title: string) => void api.renameConversation(id, title).then(changed), [changed]);
  const remove = useCallback(
    (id: string) =>
      void api.deleteConversation(id).then(() => {
        if (conversationId === id) void openConversation(null);
        load();
        announce('conversations', { deleted: id });
      }),
    [conversationId, openConversation, load],
  );

  const asked = scope.scope.length ? scope.scope : undefined;
  return { conversations, scope, chat, open, rename, remove, asked };
}
