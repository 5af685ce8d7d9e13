/**
 * A document's name and what can be done with it from the library: open it in the viewer (click the name),
 * rename it in place, download the original PDF, and put it in the picked collection or take it out.
 */
import type { Collection, DocumentSummary } from '@pagewise/shared';
import { useState, type KeyboardEvent } from 'react';
import { ApiError } from '../api';
import { libraryApi } from '../libraryApi';
import '../workspace.css';

/** The name shown: a name the user chose, else the PDF's own title, else the file name; and the file name beside it. */
export function shownNames(d: DocumentSummary): { title: string; file: string | null } {
  if (d.originalName) return { title: d.name, file: d.originalName };
  return d.title ? { title: d.title, file: d.name } : { title: d.name, file: null };
}

export function DocumentName({ d, onOpen }: { d: DocumentSummary; onOpen: () => void }) {
  const { title, file } = shownNames(d);
  return (
    <button type="button" className="doc-open" onClick={onOpen} disabled={d.status !== 'ready'} aria-label={`Open ${title}${file ? ` (${file})` : ''}`} title={file ? `${title}\n${file}` : title}>
      <span className="doc-title">{title}</span>
      {file && <span className="doc-file">{file}</span>}
    </button>
  );
}

interface Props {
  d: DocumentSummary;
  collection: Collection | null;
  onToggleMember: () => Promise<void>;
  onRenamed: () => void;
}

export function DocumentActions({ d, collection, onToggleMember, onRenamed }: Props) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(d.name);
  const [error, setError] = useState<string | null>(null);
  const member = collection?.documentIds.includes(d.id) ?? false;

  const save = async () => {
    try {
      await libraryApi.rename(d.id, name);
      setEditing(false);
      setError(null);
      onRenamed();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The name could not be saved.');
    }
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape') (e.preventDefault(), setEditing(false), setError(null));
  };

  if (editing) {
    return (
      <form className="doc-rename" onSubmit={(e) => (e.preventDefault(), void save())}>
        <input value={name} onChange={(e) => setName(e.target.value)} onKeyDown={onKey} aria-label="New name" autoFocus maxLength={255} />
        <button type="submit">Save</button>
        <button type="button" onClick={() => (setEditing(false), setError(null))}>
          Cancel
        </button>
        {error && (
          <span className="error" role="alert">
            {error}
          </span>
        )}
      </form>
    );
  }
  return (
    <span className="doc-actions">
      <button type="button" className="link" aria-label={`Rename ${d.name}`} onClick={() => (setName(d.name), setEditing(true))}>
        Rename
      </button>
      <a className="link" href={libraryApi.downloadUrl(d.id)} download aria-label={`Download ${d.name}`}>
        Download
      </a>
      {collection && d.status === 'ready' && (
        <button
          type="button"
          className={`link member ${member ? 'in' : ''}`}
          aria-pressed={member}
          aria-label={member ? `Remove ${d.name} from ${collection.name}` : `Add ${d.name} to ${collection.name}`}
          onClick={() => void onToggleMember()}
        >
          {member ? `✓ In ${collection.name}` : `+ ${collection.name}`}
        </button>
      )}
    </span>
  );
}
