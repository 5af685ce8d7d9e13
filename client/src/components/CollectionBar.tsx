/** The collection picker of the library: all documents or one collection; make, rename and delete collections. */
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { ApiError } from '../api';
import type { Collections } from '../hooks/useCollections';

type Mode = 'idle' | 'new' | 'rename' | 'delete';

export function CollectionBar({ collections, onPick }: { collections: Collections; onPick: (id: string | null) => void }) {
  const { current } = collections;
  const [mode, setMode] = useState<Mode>('idle');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const close = () => (setMode('idle'), setError(null));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      if (mode === 'new') onPick(await collections.create(name));
      else await collections.rename(name);
      close();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'That did not work; try again.');
    }
  };
  return (
    <div className="collection-bar">
      <PickerRow collections={collections} onPick={(id) => (close(), onPick(id))} onMode={(m) => (setName(m === 'rename' ? (current?.name ?? '') : ''), setError(null), setMode(m))} />
      {(mode === 'new' || mode === 'rename') && <NameForm name={name} setName={setName} action={mode === 'new' ? 'Create' : 'Save'} onSubmit={submit} onCancel={close} />}
      {mode === 'delete' && current && (
        <p className="confirm">
          <span className="muted">Documents stay in the library.</span>
          <button type="button" className="danger" aria-label={`Delete ${current.name}`} onClick={() => void collections.remove().then(() => (close(), onPick(null)))}>
            Delete
          </button>
          <button type="button" onClick={close}>
            Keep
          </button>
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

interface NameFormProps {
  name: string;
  setName: (name: string) => void;
  action: string;
  onSubmit: (e: FormEvent) => Promise<void>;
  onCancel: () => void;
}

function NameForm({ name, setName, action, onSubmit, onCancel }: NameFormProps) {
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape') (e.preventDefault(), onCancel());
  };
  return (
    <form className="collection-form" onSubmit={(e) => void onSubmit(e)}>
      <input value={name} onChange={(e) => setName(e.target.value)} onKeyDown={onKey} aria-label="Collection name" placeholder="Collection name" autoFocus maxLength={100} />
      <button type="submit">{action}</button>
    </form>
  );
}

/** The picker and the buttons that make, rename and delete collections. */
function PickerRow({ collections, onPick, onMode }: { collections: Collections; onPick: (id: string | null) => void; onMode: (m: Mode) => void }) {
  const { list, current } = collections;
  return (
    <div className="collection-row">
      <label htmlFor="collection-picker" className="sr-only">
        Collection
      </label>
      <select id="collection-picker" value={current?.id ?? ''} onChange={(e) => onPick(e.target.value || null)}>
        <option value="">All documents</option>
        {list.map((c) => (
          <option key={c.id} value={c.id}>
            {`${c.name} (${c.documentIds.length})`}
          </option>
        ))}
      </select>
      <button type="button" className="icon" aria-label="New collection" title="New collection" onClick={() => onMode('new')}>
        +
      </button>
      {current && (
        <>
          <button type="button" className="icon" aria-label="Rename collection" title="Rename collection" onClick={() => onMode('rename')}>
            ✎
          </button>
          <button type="button" className="icon" aria-label="Delete collection" title="Delete collection" onClick={() => onMode('delete')}>
            ✕
          </button>
        </>
      )}
    </div>
  );
}
