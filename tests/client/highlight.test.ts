/**
 * The viewer's highlight matcher against text layers whose accents are glyphs of their own. On a TeX document in
 * OT1 (tests/fixtures/tex), pdf.js' text layer holds "f¨" and "ur" where the stored passage says "für": the server
 * puts the accent back on its letter, the text layer in the browser does not. The items below are the ones pdf.js
 * gives for the first lines of de-ot1.pdf, cs-ot1.pdf and fr-ot1.pdf.
 */
import { describe, expect, it } from 'vitest';
import { findPassageRange, findSpanRange, highlightPassage } from '../../client/src/components/highlight';

const GERMAN = ['\u00a8', 'Ubersicht', 'Dieses Handbuch enth\u00a8', 'alt zus\u00a8', 'atzliche Hinweise f\u00a8', 'ur die Pr\u00a8', 'ufung. \u00a8', 'Offnen Sie die'];

describe('highlight matcher and accents apart from their letters', () => {
  it('finds a passage with "für" in a text layer that holds "f¨", "ur"', () => {
    expect(findPassageRange(GERMAN, 'Hinweise für die Prüfung')).toEqual({ first: 4, last: 6 });
    // A capital whose accent is an item of its own, before it.
    expect(findPassageRange(GERMAN, 'Übersicht\nDieses Handbuch enthält zusätzliche Hinweise für die Prüfung. Öffnen Sie die')).toEqual({ first: 1, last: 7 });
  });

  it('marks exactly the characters of a span that has an accented letter', () => {
    const passage = 'Dieses Handbuch enthält zusätzliche Hinweise für die Prüfung.';
    const start = passage.indexOf('für');
    const r = findSpanRange(GERMAN, passage, { start, end: start + 'für'.length });
    // "f" ends item 4 before its accent; "ur" starts item 5.
    expect(r).toEqual({ from: { item: 4, char: GERMAN[4]!.indexOf('f¨') }, to: { item: 5, char: 1 } });
  });

  it('matches combining marks, accents after their letter, and an accent on a dotless i', () => {
    expect(findPassageRange(['enth\u0308', 'alt zus\u0308', 'atzliche'], 'enthält zusätzliche')).toEqual({ first: 0, last: 2 });
    // A cedilla drawn after its capital, with the space pdf.js puts after it.
    expect(findPassageRange(['efficace. C', '\u00b8 a commence `', 'a'], 'efficace. Ça commence à')).toEqual({ first: 0, last: 2 });
    // "Čína, Řím, Štěpáněk": í is an acute on a dotless ı.
    const czech = ['\u02c7', 'C\u00b4', '\u0131na,', ' ', '\u02c7', 'R\u00b4', '\u0131m, ', '\u02c7', 'St\u02c7', 'ep\u00b4', 'an\u02c7', 'ek,'];
    expect(findPassageRange(czech, 'Čína, Řím, Štěpáněk,')).toEqual({ first: 1, last: 11 });
  });

  it('still matches a passage whose text layer has its accented letters whole', () => {
    expect(findPassageRange(['Dieses Handbuch enthält', 'zusätzliche Hinweise'], 'enthält zusätzliche')).toEqual({ first: 0, last: 1 });
  });

  it('highlights the text items of the passage on a rendered page', () => {
    const layer = document.createElement('div');
    for (const t of GERMAN) {
      const span = document.createElement('span');
      span.textContent = t;
      layer.append(span);
    }
    const passage = 'Hinweise für die Prüfung';
    expect(highlightPassage(layer, passage)).toBe(3);
    expect(Array.from(layer.querySelectorAll('.pw-highlight'), (s) => s.textContent)).toEqual(GERMAN.slice(4, 7));
    const start = passage.indexOf('für');
    expect(highlightPassage(layer, passage, { start, end: start + 3 })).toBe(2);
    expect(Array.from(layer.querySelectorAll('mark.pw-span'), (m) => m.textContent).join('')).toBe('f\u00a8ur');
  });
});
