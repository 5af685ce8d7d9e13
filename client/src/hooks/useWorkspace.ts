/**
 * What the library needs to be a place to work (issue 18): the collections and the picked one, opening a document
 * in the viewer, asking a suggested question about it, and opening an overview's citation. A chat belongs to its
 * collection: picking another collection starts a new chat.
 */
import type { Citation, ConversationSummary, DocumentSummary, Source } from '@pagewise/shared';
import { shownNames } from '../components/DocumentActions';
import type { ViewerTarget } from '../components/PdfViewer';
import { useCollections, type Collections } from './useCollections';
import type { useChat } from './useChat';

export interface LibraryWorkspace {
  collections: Collections;
  onPickCollection: (id: string | null) => void;
  onOpenDocument: (d: DocumentSummary) => void;
  onRenamed: () => void;
  onAsk: (question: string, d: DocumentSummary) => void;
  onOpenCitation: (c: Citation) => void;
}

interface AppContext {
  chat: ReturnType<typeof useChat>;
  conversations: ConversationSummary[];
  refresh: () => unknown;
  setViewer: (t: ViewerTarget) => void;
  openSource: (s: Source) => void;
  showChat: () => void;
}

export function useWorkspace() {
  const collections = useCollections();
  const libraryProps = (app: AppContext): LibraryWorkspace => ({
    collections,
    onPickCollection: (id) => {
      collections.pick(id);
      const own = app.conversations.find((c) => c.id === app.chat.conversationId)?.collectionId ?? null;
      if (app.chat.messages.length > 0 && own !== id) void app.chat.open(null);
    },
    onOpenDocument: (d) => app.setViewer({ documentId: d.id, documentName: shownNames(d).title, page: 1 }),
    onRenamed: () => void app.refresh(),
    onAsk: (question, d) => {
      if (app.chat.streaming) return;
      void app.chat.send(question, [d.id]);
      app.showChat();
    },
    onOpenCitation: app.openSource,
  });
  return { collections, libraryProps };
}
