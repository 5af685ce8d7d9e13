/** The collection picker of the library: all documents or one collection; make, rename and delete collections. */
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { ApiError } from '../api';
import type { Collections } from '../hooks/useCollections';

type Mode = 'idle' | 'new' | 'rename' | 'delete';

export function CollectionBar({ collections, onPick }: { collections: Collections; onPick: (id: string | null) => void }) {
  const { list, current } = collections;
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
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape') (e.preventDefault(), close());
  };

  return (
    <div className="collection-bar">
      <div className="collection-row">
        <label htmlFor="collection-picker" className="sr-only">
          Collection
        </label>
        <select id="collection-picker" value={current?.id ?? ''} onChange={(e) => (close(), onPick(e.target.value || null))}>
          <option value="">All documents</option>
          {list.map((c) => (
            <option key={c.id} value={c.id}>
              {`${c.name} (${c.documentIds.length})`}
            </option>
          ))}
        </select>
        <button type="button" className="icon" aria-label="New collection" title="New collection" onClick={() => (setName(''), setError(null), setMode('new'))}>
          +
        </button>
        {current && (
          <>
            <button type="button" className="icon" aria-label="Rename collection" title="Rename collection" onClick={() => (setName(current.name), setError(null), setMode('rename'))}>
              ✎
            </button>
            <button type="button" className="icon" aria-label="Delete collection" title="Delete collection" onClick={() => setMode('delete')}>
              ✕
            </button>
          </>
        )}
      </div>
      {(mode === 'new' || mode === 'rename') && (
        <form className="collection-form" onSubmit={(e) => void submit(e)}>
          <input value={name} onChange={(e) => setName(e.target.value)} onKeyDown={onKey} aria-label="Collection name" placeholder="Collection name" autoFocus maxLength={100} />
          <button type="submit">{mode === 'new' ? 'Create' : 'Save'}</button>
        </form>
      )}
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
