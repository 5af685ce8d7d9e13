/** The read-only settings view: what the server runs, grouped, each value with the variable that sets it. */
import type { Setting } from '@pagewise/shared';
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../api';
import { libraryApi } from '../libraryApi';
import '../workspace.css';

export function SettingsButton() {
  const dialog = useRef<HTMLDialogElement>(null);
  const [settings, setSettings] = useState<Setting[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    if (!open) return;
    dialog.current?.showModal();
    libraryApi.settings().then(
      (r) => setSettings(r.settings),
      (err: unknown) => setError(err instanceof ApiError ? err.message : 'The settings could not be loaded.'),
    );
  }, [open]);

  return (
    <>
      <button type="button" className="settings-open" onClick={() => setOpen(true)}>
        <svg className="settings-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
          <path d="M2 4h12M2 8h12M2 12h12" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
          <circle cx="5" cy="4" r="1.8" fill="var(--panel)" stroke="currentColor" strokeWidth="1.5" />
          <circle cx="11" cy="8" r="1.8" fill="var(--panel)" stroke="currentColor" strokeWidth="1.5" />
          <circle cx="7" cy="12" r="1.8" fill="var(--panel)" stroke="currentColor" strokeWidth="1.5" />
        </svg>
        <span className="settings-word">Settings</span>
      </button>
      {open && (
        <dialog ref={dialog} className="settings" aria-labelledby="settings-title" onClose={() => setOpen(false)}>
          <div className="settings-head">
            <h2 id="settings-title">Settings</h2>
            <button type="button" onClick={() => dialog.current?.close()}>
              Close
            </button>
          </div>
          <p className="muted">What this server runs. Set by environment variables when it starts; change them there and restart.</p>
          {error && <p className="error">{error}</p>}
          {!settings && !error && <p className="muted">Loading…</p>}
          {settings && <SettingsTable settings={settings} />}
        </dialog>
      )}
    </>
  );
}

function SettingsTable({ settings }: { settings: Setting[] }) {
  const groups = [...new Set(settings.map((s) => s.group))];
  return (
    <table className="settings-table">
      {groups.map((g) => (
        <tbody key={g}>
          <tr>
            <th colSpan={4} scope="colgroup" className="settings-group">
              {g}
            </th>
          </tr>
          {settings
            .filter((s) => s.group === g)
            .map((s) => (
              <tr key={`${s.env}-${s.label}`}>
                <th scope="row">{s.label}</th>
                <td>{s.value}</td>
                <td>
                  <code>{s.env}</code>
                </td>
                <td className="muted">{s.detail}</td>
              </tr>
            ))}
        </tbody>
      ))}
    </table>
  );
}
