import type { ConversationSummary } from '@pagewise/shared';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api';
import { useSync } from '../sync';

/** The chat list, reloaded when this tab changes it and when another tab does. */
export function useConversations() {
  const [conversations, setConversations] = useState<ConversationSummary[]>([]);
  const load = useCallback(() => {
    api.conversations().then((r) => setConversations(r.conversations), () => undefined);
  }, []);
  useEffect(load, [load]);
  useSync('conversations', load);
  return { conversations, load };
}
