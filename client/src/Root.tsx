import type { SessionResponse } from '@pagewise/shared';
import { useCallback, useEffect, useState } from 'react';
import { UNAUTHENTICATED_EVENT, api } from './api';
import { App } from './App';
import { SignIn } from './components/SignIn';

/** Shows the sign-in page when the instance needs a token and this browser has no session. */
export function Root() {
  const [session, setSession] = useState<SessionResponse | null>(null);
  const check = useCallback(() => {
    api.session().then(setSession, () => setSession({ required: false, authenticated: true }));
  }, []);
  useEffect(() => {
    check();
    const lost = () => setSession({ required: true, authenticated: false });
    window.addEventListener(UNAUTHENTICATED_EVENT, lost);
    return () => window.removeEventListener(UNAUTHENTICATED_EVENT, lost);
  }, [check]);
  if (!session) return null;
  if (session.required && !session.authenticated) return <SignIn onSignedIn={check} />;
  return <App onSignOut={session.required ? () => void api.logout().then(check, check) : undefined} />;
}
