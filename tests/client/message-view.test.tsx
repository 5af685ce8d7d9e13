/** An answer shows what retrieval searched when that was not just the question (rewrite, other wordings). */
import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MessageView } from '../../client/src/components/MessageView';
import type { UiMessage } from '../../client/src/hooks/useChat';

const answer = (searched?: UiMessage['searched']): UiMessage => ({
  id: 'a',
  role: 'assistant',
  content: 'The gear was retracted [1].',
  reasoning: '',
  sources: [],
  citations: [],
  status: 'complete',
  error: null,
  mode: 'llm',
  searched,
});

describe('MessageView: what was searched', () => {
  it('lists the model’s other wordings as text, never markup', () => {
    const { container } = render(
      <MessageView m={answer({ query: 'Warum landete das Flugzeug auf dem Bauch?', expansions: ['gear-up landing', '<img src=x onerror=alert(1)>'], rewritten: false })} onOpen={() => undefined} onRetry={() => undefined} isLast />,
    );
    const box = container.querySelector('details.searched')!;
    expect(box.querySelector('summary')!.textContent).toBe('Also searched 2 other wordings');
    expect([...box.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['gear-up landing', '<img src=x onerror=alert(1)>']);
    expect(container.querySelector('img')).toBeNull();
  });

  it('names the standalone query a follow-up was rewritten to', () => {
    const { container } = render(
      <MessageView m={answer({ query: 'Piper PA-22 engine details', expansions: [], rewritten: true })} onOpen={() => undefined} onRetry={() => undefined} isLast />,
    );
    expect(container.querySelector('details.searched summary')!.textContent).toBe('Searched for “Piper PA-22 engine details”');
    expect(container.querySelector('details.searched li')).toBeNull();
  });

  it('says nothing when only the question itself was searched', () => {
    const { container } = render(<MessageView m={answer()} onOpen={() => undefined} onRetry={() => undefined} isLast />);
    expect(container.querySelector('details.searched')).toBeNull();
  });
});
