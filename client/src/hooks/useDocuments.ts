import type { DocumentSummary } from '@pagewise/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api';

/** The library, refreshed quickly while something is processing and slowly otherwise. */
export function useDocuments() {
  const [documents, setDocuments] = useState<DocumentSummary[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<number | undefined>(undefined);

  const refresh = useCallback(async () => {
    window.clearTimeout(timer.current);
    try {
      const { documents } = await api.documents();
      setDocuments(documents);
      setError(null);
      const busy = documents.some((d) => d.status === 'queued' || d.status === 'processing');
      timer.current = window.setTimeout(refresh, busy ? 700 : 10_000);
    } catch (err) {
      setError((err as Error).message);
      timer.current = window.setTimeout(refresh, 5_000);
    } finally {
      setLoaded(true);
    }
  }, []);

  useEffect(() => {
    void refresh();
    return () => window.clearTimeout(timer.current);
  }, [refresh]);

  return { documents, loaded, error, refresh };
}
