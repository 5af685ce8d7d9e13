/** The first tab stop: straight to the question box (shown only while focused). */
export function SkipLink({ onSkip }: { onSkip: () => void }) {
  return (
    <a
      className="skip-link"
      href="#question"
      onClick={(e) => {
        // The hash holds the open chat; the link only moves focus.
        e.preventDefault();
        onSkip();
        document.getElementById('question')?.focus();
      }}
    >
      Skip to question
    </a>
  );
}
