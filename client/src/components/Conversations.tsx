import type { ConversationSummary } from '@pagewise/shared';
import { useState } from 'react';
import { libraryApi } from '../libraryApi';
import { ConfirmDelete } from './ConfirmDelete';

interface Props {
  conversations: ConversationSummary[];
  activeId: string | null;
  onOpen: (id: string | null) => void;
  onRename: (id: string, title: string) => void;
  onDelete: (id: string) => void;
}

export function Conversations({ conversations, activeId, onOpen, onRename, onDelete }: Props) {
  const [editing, setEditing] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  return (
    <section className="conversations" aria-label="Conversations">
      <div className="library-head">
        <h2>Chats</h2>
        <button type="button" onClick={() => onOpen(null)}>
          New chat
        </button>
      </div>
      <ul>
        {conversations.map((c) => (
          <li key={c.id} className={c.id === activeId ? 'active' : ''}>
            {editing === c.id ? (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  if (title.trim()) onRename(c.id, title.trim());
                  setEditing(null);
                }}
              >
                <input value={title} onChange={(e) => setTitle(e.target.value)} aria-label="Chat title" autoFocus />
                <button type="submit">Save</button>
              </form>
            ) : (
              <>
                <button type="button" className="conv-title" onClick={() => onOpen(c.id)} aria-current={c.id === activeId}>
                  {c.title}
                </button>
                <button type="button" className="icon" aria-label={`Rename ${c.title}`} onClick={() => (setEditing(c.id), setTitle(c.title))}>
                  ✎
                </button>
                <a className="icon conv-export" href={libraryApi.exportUrl(c.id)} download aria-label={`Export ${c.title} as Markdown`} title="Export as Markdown">
                  ⤓
                </a>
                <ConfirmDelete name={c.title} onDelete={() => onDelete(c.id)} />
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
