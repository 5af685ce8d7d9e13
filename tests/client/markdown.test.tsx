/** The sanitizing renderer and the highlight matcher, in jsdom. */
import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Source } from '@pagewise/shared';
import { Markdown, linkCitations } from '../../client/src/components/Markdown';
import { findPassageRange } from '../../client/src/components/highlight';

const src = (n: number): Source => ({ n, chunkId: n, documentId: 'd', documentName: '<img src=x onerror=alert(1)>.pdf', page: 3, pageLabel: null, charStart: 0, charEnd: 5, text: 'passage' });

describe('Markdown', () => {
  it('renders citation markers as chips and drops markers without a source', () => {
    const { container } = render(<Markdown text="Claim [1] and [7]." sources={[src(1)]} />);
    expect(container.querySelectorAll('button.cite')).toHaveLength(1);
    expect(container.textContent).not.toContain('[7]');
    // Untrusted document names are text, never markup.
    expect(container.querySelector('.cite-preview strong')?.textContent).toBe('<img src=x onerror=alert(1)>.pdf');
    expect(container.querySelector('img')).toBeNull();
  });

  it('never renders raw HTML, images, or non-http(s) links', () => {
    const hostile = '<img src=x onerror="alert(1)"> ![a" onerror="x](http://evil/x.png) [c](javascript:alert(1)) [ok](https://example.org) <script>alert(1)</script>';
    const { container } = render(<Markdown text={hostile} sources={[]} />);
    expect(container.querySelector('img, script, iframe')).toBeNull();
    const links = [...container.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(links).toEqual(['https://example.org']);
    // Payload text may show up as text; no element may carry an event handler or a script URL.
    for (const el of container.querySelectorAll('*')) {
      for (const attr of el.attributes) {
        expect(attr.name).not.toMatch(/^on/i);
        expect(attr.value).not.toMatch(/^\s*javascript:/i);
      }
    }
  });

  it('does not turn links or footnote-like brackets into citations', () => {
    expect(linkCitations('see [1](http://x) and [2]: def and [3]')).toBe('see [1](http://x) and [2]: def and [\\[3\\]](#cite-3)');
  });
});

describe('findPassageRange', () => {
  it('finds a passage across spans whatever the spacing and line breaks', () => {
    const spans = ['The pilot, age 85, was ', 'attempting to land', ' a Piper PA-22-150 at his', 'private airstrip.', 'Other text'];
    expect(findPassageRange(spans, 'attempting to land a Piper\nPA-22-150 at his private airstrip.')).toEqual({ first: 1, last: 3 });
    expect(findPassageRange(spans, 'nothing like this at all in the page')).toBeNull();
  });
});
