/** Dot leaders read as one "…" where passage text is shown (the stored text keeps them, for search and highlights). */
import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { CitationChip } from '../../client/src/components/CitationChip';

const source = {
  n: 1,
  chunkId: 1,
  documentId: 'd',
  documentName: 'handbuch.pdf',
  page: 3,
  pageLabel: null,
  charStart: 0,
  charEnd: 80,
  text: '1 Einleitung . . . . . . . . . . . . 1 1.1 Übersicht . . . . . . . . 1 Bild 1… ok',
};

describe('passage text as shown', () => {
  it('a citation preview shows each dot leader as one ellipsis, and keeps a real ellipsis', () => {
    const { container } = render(<CitationChip source={source} />);
    expect(container.querySelector('.cite-text')!.textContent).toBe('1 Einleitung … 1 1.1 Übersicht … 1 Bild 1… ok');
  });
});
