import type { DocumentSummary } from '@pagewise/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { useSync } from '../sync';

/** The library, refreshed quickly while something is processing, slowly otherwise, and at once when another tab changes it. */
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
  useSync('documents', refresh);

  return { documents, loaded, error, refresh };
}
