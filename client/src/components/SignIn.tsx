import { useState, type FormEvent } from 'react';
import { ApiError, api } from '../api';

/** Exchanges the instance's access token for an HttpOnly session cookie; the token is never stored in the page. */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.login(token);
      setToken('');
      onSignedIn();
    } catch (err) {
      const e2 = err instanceof ApiError ? err : null;
      setError(e2?.code === 'RATE_LIMITED' ? 'Too many attempts. Wait a minute and try again.' : e2?.code === 'UNAUTHENTICATED' ? 'That access token is not right.' : 'Could not sign in. Is the server reachable?');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <form onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Pagewise</h1>
        <p className="muted">This instance is protected. Enter the access token your administrator gave you.</p>
        <label htmlFor="token">Access token</label>
        <input id="token" type="password" autoComplete="current-password" value={token} onChange={(e) => setToken(e.target.value)} autoFocus />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={!token || busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
