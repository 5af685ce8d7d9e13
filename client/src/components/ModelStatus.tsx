import type { HealthResponse } from '@pagewise/shared';

/**
 * What answers come from, in the header: the model's name (or that there is none) and whether the embedder fell
 * back. On a phone only the short form shows, the whole sentence stays in the title.
 */
export function ModelStatus({ health }: { health: HealthResponse | null }) {
  if (!health) return <span className="status" />;
  const llm = health.chat.mode === 'llm';
  const offline = health.embedder.fallbackReason ? ' · offline embedder' : '';
  const long = `${llm ? `Model: ${health.chat.model}` : 'No model configured (extractive answers)'}${offline}`;
  return (
    <span className={`status ${llm ? 'llm' : 'extractive'}`} data-testid="model-status" title={long}>
      <span className="status-dot" aria-hidden="true" />
      <span className="status-long">{long}</span>
      <span className="status-short">
        {llm ? health.chat.model : 'No model'}
      </span>
    </span>
  );
}
