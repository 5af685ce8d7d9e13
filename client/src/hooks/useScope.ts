/**
 * The documents a question is limited to. The selection survives a reload; opening a chat restores the scope it
 * was asked in. A selected document that is deleted (here, in another tab, or before the chat was reopened)
 * leaves the selection with a notice. When nothing of the selection is left, asking is held until the user
 * picks documents or chooses the whole library: a question meant for one report must never quietly search all.
 * With a collection picked, only its ticked documents narrow the scope (the server answers from the collection).
 */
import type { Collection, DocumentSummary } from '@pagewise/shared';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { readSelection, writeSelection } from '../location';

export interface ScopeNotice {
  text: string;
  /** Nothing of the scope is left: questions wait until the user chooses. */
  blocked: boolean;
}

function goneNotice(names: (string | undefined)[], nothingLeft: boolean): ScopeNotice {
  const known = names.filter((n): n is string => !!n);
  const what =
    known.length === names.length
      ? `${known.map((n) => `“${n}”`).join(', ')} ${names.length === 1 ? 'was' : 'were'} deleted`
      : `${names.length} ${names.length === 1 ? 'document' : 'documents'} of this chat ${names.length === 1 ? 'was' : 'were'} deleted`;
  if (nothingLeft) return { text: `${what}. Nothing else is selected: pick documents in the library, or search all documents.`, blocked: true };
  return { text: `${what}, so only the other selected documents are searched.`, blocked: false };
}

export function useScope(documents: DocumentSummary[], loaded: boolean, collection: Collection | null) {
  const [selected, setSelected] = useState<Set<string>>(() => new Set(readSelection()));
  const [notice, setNotice] = useState<ScopeNotice | null>(null);
  const names = useRef(new Map<string, string>());

  useEffect(() => writeSelection(selected), [selected]);

  useEffect(() => {
    for (const d of documents) names.current.set(d.id, d.name);
    if (!loaded) return;
    const known = new Set(documents.map((d) => d.id));
    const gone = [...selected].filter((id) => !known.has(id));
    if (gone.length === 0) return;
    const left = [...selected].filter((id) => known.has(id));
    setSelected(new Set(left));
    setNotice(goneNotice(gone.map((id) => names.current.get(id)), left.length === 0));
  }, [documents, loaded, selected]);

  const toggle = useCallback((id: string) => {
    setNotice(null);
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  }, []);

  /** A reopened chat's scope (null: the whole library). */
  const replace = useCallback((ids: string[] | null) => {
    setNotice(null);
    setSelected(new Set(ids ?? []));
  }, []);

  /** Leave the notice; when nothing of the scope was left, this chooses the whole library. */
  const dismiss = useCallback(() => setNotice(null), []);

  const ready = useMemo(() => documents.filter((d) => d.status === 'ready'), [documents]);
  const members = collection?.documentIds;
  const scope = useMemo(() => [...selected].filter((id) => ready.some((d) => d.id === id) && (!members || members.includes(id))), [selected, ready, members]);
  const whole = collection ? `the collection "${collection.name}"` : 'all documents';
  const label = scope.length === 0 ? whole : scope.length === 1 ? ready.find((d) => d.id === scope[0])?.name ?? '1 document' : `${scope.length} documents`;
  return { selected, scope, label, notice, blocked: !!notice?.blocked, toggle, replace, dismiss };
}
