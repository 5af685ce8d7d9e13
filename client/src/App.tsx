import type { HealthResponse, SearchResult, Source } from '@pagewise/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, uploadFiles } from './api';
import { Chat } from './components/Chat';
import { Conversations } from './components/Conversations';
import { Library } from './components/Library';
import { ModelStatus } from './components/ModelStatus';
import type { SupportSpan } from './components/Markdown';
import { PdfViewer, type ViewerTarget } from './components/PdfViewer';
import { SkipLink } from './components/SkipLink';
import { UploadZone, type UploadItem, type UploadZoneHandle } from './components/UploadZone';
import { SettingsButton } from './components/SettingsView';
import { useDocuments } from './hooks/useDocuments';
import { useSession } from './hooks/useSession';
import { useWorkspace } from './hooks/useWorkspace';
import { explain } from './messages';
import { announce } from './sync';

export function App({ onSignOut }: { onSignOut?: () => void }) {
  const { documents, loaded, refresh } = useDocuments();
  const [health, setHealth] = useState<HealthResponse | null>(null);
  const [uploads, setUploads] = useState<UploadItem[]>([]);
  const [viewer, setViewer] = useState<ViewerTarget | null>(null);
  const [panel, setPanel] = useState<'library' | 'chat'>('chat');
  const zone = useRef<UploadZoneHandle>(null);
  const workspace = useWorkspace();
  const { conversations, scope, chat, open: openChat, rename, remove, asked } = useSession(documents, loaded, workspace.collections);
  const documentsChanged = useCallback(() => {
    void refresh();
    announce('documents');
  }, [refresh]);

  useEffect(() => {
    api.health().then(setHealth, () => undefined);
  }, []);

  const ready = documents.filter((d) => d.status === 'ready');

  const onFiles = useCallback(
    (files: File[]) => {
      const key = crypto.randomUUID();
      const items: UploadItem[] = files.map((f, i) => ({ key: `${key}-${i}`, name: f.name, progress: 0, error: null, note: null }));
      setUploads((u) => [...items, ...u]);
      const update = (fn: (u: UploadItem) => UploadItem) => setUploads((all) => all.map((u) => (u.key.startsWith(key) ? fn(u) : u)));
      uploadFiles(files, (loaded, total) => update((u) => ({ ...u, progress: loaded / total })))
        .then((res) => {
          const rejected = new Map(res.rejected.map((r) => [r.name, r.error]));
          const duplicates = new Set(res.documents.filter((d) => d.duplicate).map((d) => d.name));
          setUploads((all) =>
            all
              .map((u) => {
                if (!u.key.startsWith(key)) return u;
                const err = rejected.get(u.name);
                if (err) return { ...u, error: explain(err.code, err.message) };
                if (duplicates.has(u.name)) return { ...u, progress: 1, note: 'Already in your library.' };
                return { ...u, progress: 1 };
              })
              .filter((u) => !u.key.startsWith(key) || u.error || u.note),
          );
          window.setTimeout(() => setUploads((all) => all.filter((u) => !(u.key.startsWith(key) && u.note))), 6000);
          documentsChanged();
        })
        .catch((err: unknown) => {
          const e = err instanceof ApiError ? err : null;
          update((u) => ({ ...u, error: explain(e?.code ?? 'NETWORK_ERROR', e?.message ?? 'Upload failed.') }));
        });
    },
    [documentsChanged],
  );

  const openSource = useCallback((s: Source | SearchResult, support?: SupportSpan) => {
    // A claim's supporting span, placed on the page through the chunk's own position there.
    const span = support && { start: support.charStart, end: support.charEnd, pageStart: s.charStart + support.charStart, pageEnd: s.charStart + support.charEnd };
    setViewer({ documentId: s.documentId, documentName: s.documentName, page: s.page, passage: s.text, span });
  }, []);

  return (
    <div className="app">
      <SkipLink onSkip={() => setPanel('chat')} />
      <header className="top">
        <h1>Pagewise</h1>
        <nav className="tabs" aria-label="Panels">
          <button type="button" aria-pressed={panel === 'library'} onClick={() => setPanel('library')}>
            Library
          </button>
          <button type="button" aria-pressed={panel === 'chat'} onClick={() => setPanel('chat')}>
            Chat
          </button>
        </nav>
        <ModelStatus health={health} />
        <SettingsButton />
        {onSignOut && (
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        )}
      </header>
      <UploadZone ref={zone} onFiles={onFiles} />
      <aside className={`side ${panel === 'library' ? 'show' : ''}`}>
        <Library
          documents={documents}
          uploads={uploads}
          selected={scope.selected}
          onToggle={scope.toggle}
          onDelete={(id) => {
            void api.deleteDocument(id).then(documentsChanged, documentsChanged).then(workspace.collections.reload);
          }}
          onPick={() => zone.current?.pick()}
          onDismissUpload={(key) => setUploads((all) => all.filter((u) => u.key !== key))}
          onDismissAllUploads={() => setUploads((all) => all.filter((u) => !u.error))}
          onOpenHit={openSource}
          onOpenPage={(d, page) => setViewer({ documentId: d.id, documentName: d.name, page })}
          workspace={workspace.libraryProps({ chat, conversations, refresh, setViewer, openSource, showChat: () => setPanel('chat') })}
        />
        <Conversations
          conversations={conversations}
          activeId={chat.conversationId}
          onOpen={(id) => {
            void openChat(id);
            setPanel('chat');
          }}
          onRename={rename}
          onDelete={remove}
        />
      </aside>
      <main className={`main ${panel === 'chat' ? 'show' : ''}`}>
        <Chat
          messages={chat.messages}
          streaming={chat.streaming}
          canAsk={ready.length > 0}
          scopeLabel={scope.label}
          mode={health?.chat.mode ?? null}
          onSend={(q) => void chat.send(q, asked)}
          onStop={chat.stop}
          onRetry={() => chat.retry(asked)}
          onOpen={openSource}
          notice={scope.notice}
          onDismissNotice={scope.dismiss}
        />
      </main>
      {viewer && <PdfViewer target={viewer} onClose={() => setViewer(null)} />}
    </div>
  );
}
