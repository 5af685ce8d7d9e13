import type { ScopeNotice as Notice } from '../hooks/useScope';

/** Says that documents of the chat's scope were deleted; when none is left, offers the whole library. */
export function ScopeNotice({ notice, onDismiss }: { notice: Notice; onDismiss: () => void }) {
  return (
    <div className={`scope-notice ${notice.blocked ? 'blocked' : ''}`} role="status">
      <span>{notice.text}</span>
      <button type="button" className={notice.blocked ? '' : 'icon'} onClick={onDismiss} aria-label={notice.blocked ? undefined : 'Dismiss'}>
        {notice.blocked ? 'Search all documents' : '✕'}
      </button>
    </div>
  );
}
