/** The collections and the one picked in the library (null = all documents), kept across reloads. */
import type { Collection } from '@pagewise/shared';
import { useCallback, useEffect, useState } from 'react';
import { libraryApi } from '../libraryApi';

const KEY = 'pagewise.collection';

export interface Collections {
  list: Collection[];
  /** The picked collection, or null for the whole library. */
  current: Collection | null;
  pick: (id: string | null) => void;
  /** Makes a collection; returns its id (the caller picks it). */
  create: (name: string) => Promise<string>;
  rename: (name: string) => Promise<void>;
  remove: () => Promise<void>;
  /** Put a document in the picked collection, or take it out. */
  toggle: (documentId: string) => Promise<void>;
  /** Forget documents that are gone (a deleted document leaves every collection). */
  reload: () => void;
}

export function useCollections(): Collections {
  const [list, setList] = useState<Collection[]>([]);
  const [picked, setPicked] = useState<string | null>(() => window.localStorage.getItem(KEY));

  const reload = useCallback(() => {
    libraryApi.collections().then((r) => setList(r.collections), () => undefined);
  }, []);
  useEffect(reload, [reload]);

  const pick = useCallback((id: string | null) => {
    setPicked(id);
    if (id) window.localStorage.setItem(KEY, id);
    else window.localStorage.removeItem(KEY);
  }, []);

  const replace = (c: Collection) => setList((l) => (l.some((x) => x.id === c.id) ? l.map((x) => (x.id === c.id ? c : x)) : [...l, c].sort((a, b) => a.name.localeCompare(b.name))));
  const current = list.find((c) => c.id === picked) ?? null;

  const create = async (name: string) => {
    const { collection } = await libraryApi.createCollection(name);
    replace(collection);
    return collection.id;
  };
  const rename = async (name: string) => {
    if (current) replace((await libraryApi.renameCollection(current.id, name)).collection);
  };
  const remove = async () => {
    if (!current) return;
    await libraryApi.deleteCollection(current.id);
    setList((l) => l.filter((x) => x.id !== current.id));
  };
  const toggle = async (documentId: string) => {
    if (!current) return;
    const r = current.documentIds.includes(documentId) ? await libraryApi.removeFromCollection(current.id, documentId) : await libraryApi.addToCollection(current.id, documentId);
    replace(r.collection);
  };
  return { list, current, pick, create, rename, remove, toggle, reload };
}
