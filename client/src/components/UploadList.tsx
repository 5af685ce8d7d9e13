import type { UploadItem } from './UploadZone';

interface Props {
  uploads: UploadItem[];
  onDismiss: (key: string) => void;
  onDismissAll: () => void;
}

/**
 * Files on their way into the library: progress, a neutral note (already in the library), or why one was
 * refused. Each refusal names its file once and can be dismissed; with several, "Dismiss all" clears them.
 */
export function UploadList({ uploads, onDismiss, onDismissAll }: Props) {
  if (uploads.length === 0) return null;
  const failed = uploads.filter((u) => u.error).length;
  return (
    <div className="uploads-box">
      {failed > 1 && (
        <button type="button" className="link dismiss-all" onClick={onDismissAll} aria-label="Dismiss all errors">
          Dismiss all ({failed})
        </button>
      )}
      <ul className="uploads" aria-label="Uploads" aria-live="polite">
        {uploads.map((u) => (
          <li key={u.key} className={u.error ? 'failed' : ''}>
            <span className="name" title={u.name}>
              {u.name}
            </span>
            {u.error ? (
              <span className="upload-error">
                <span className="error">{u.error}</span>
                <button type="button" className="icon" onClick={() => onDismiss(u.key)} aria-label={`Dismiss the error for ${u.name}`}>
                  ✕
                </button>
              </span>
            ) : u.note ? (
              <span className="muted">{u.note}</span>
            ) : (
              <progress max={1} value={u.progress} aria-label={`Uploading ${u.name}`} />
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
