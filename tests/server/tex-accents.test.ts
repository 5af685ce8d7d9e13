/**
 * Accented letters that TeX builds from two glyphs come out of the stored page text as the letters themselves, in
 * NFC. In LaTeX's default font encoding (OT1) "ü" is the letter "u" with a separate diaeresis glyph placed over it,
 * usually drawn before the letter; pdf.js reports that glyph as its own character ("¨", U+00A8), often in another
 * text item than its letter, and the stored text read "f ̈ur", "enth ̈alt", "̈Ubersicht". pdftotext reads the same
 * files correctly. Fixtures and their sources: tests/fixtures/tex (written for these tests).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentSummary } from '@pagewise/shared';
import { getPage, ingest, search } from '../support/api.js';
import { fixtureFile } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Spacing accents as pdf.js reports TeX's accent glyphs (¨ ´ ` ˆ ˜ ¸ ˛ ˇ ˘ ˚ ¯ ˙ ˝). */
const SPACING_ACCENT = /[\u00a8\u00b4\u0060\u02c6\u02dc\u00b8\u02db\u02c7\u02d8\u02da\u00af\u02d9\u02dd]/u;
/** A combining mark with no letter to sit on: at the start, or after whitespace. */
const MARK_WITHOUT_LETTER = /(?:^|\s)[\u0300-\u036f]/u;

/** Each place where an accent stands apart from its letter, with a little context; empty when none. */
function accentFaults(text: string): string[] {
  const faults: string[] = [];
  const re = new RegExp(`${SPACING_ACCENT.source}|${MARK_WITHOUT_LETTER.source}`, 'gu');
  for (const m of text.matchAll(re)) faults.push(JSON.stringify(text.slice(Math.max(0, m.index - 12), m.index + 12)));
  if (text !== text.normalize('NFC')) faults.push('not in NFC');
  return faults;
}

function wordsOf(text: string): Set<string> {
  return new Set(text.match(/[\p{L}\p{M}]+/gu) ?? []);
}

const CASES = [
  {
    file: 'de-ot1.pdf',
    words: ['für', 'Übersicht', 'enthält', 'zusätzliche', 'Prüfung', 'Öffnen', 'Änderungen', 'Größere', 'Äpfel', 'schöner', 'Straße', 'führt', 'über', 'Brücke', 'Schlüssel', 'häufig', 'benötigte', 'übersprungen', 'Flächen', 'Abläufe', 'Zuständigkeit'],
    // OT1 fonts also draw ligatures as one glyph.
    ligatures: ['offizielle', 'Fließband', 'Schiffsführer', 'definiert'],
    query: 'Zuständigkeit Schiffsführer',
  },
  {
    file: 'fr-ot1.pdf',
    words: ['Élément', 'référence', 'décrit', 'procédure', 'à', 'élève', 'Où', 'forêt', 'garçon', 'reçu', 'leçon', 'très', 'complète', 'été', 'déçu', 'tâche', 'Noël', 'Joël', 'côté', 'château', 'façade', 'hôtel', 'était', 'illuminée', 'réflexion', 'Ça', 'Île', 'Économie', 'Être', 'côtoient', 'Ère'],
    ligatures: ['fichiers', 'officiels', 'affluent', 'effectuer', 'efficace'],
    query: 'réflexion efficace',
  },
  {
    // No ą or ę (OT1 has no ogonek) and no ł: its stroke is a glyph without a Unicode value, lost here as in pdftotext.
    file: 'pl-ot1.pdf',
    words: ['środowisko', 'określa', 'które', 'pisać', 'Ćwiczenie', 'że', 'można', 'Świat', 'koń', 'jaźń', 'późno', 'źle', 'żaden', 'ósmy', 'Żyrardów', 'Śnieżka', 'Ósemka', 'Źrebak', 'Ćma'],
    ligatures: [],
    query: 'Śnieżka Żyrardów',
  },
  {
    // \'{\i}: TeX puts the accent on a dotless i; the letter is "í". A cedilla under a capital (\c{S}, \c{T}) is drawn
    // after its letter.
    file: 'cs-ot1.pdf',
    words: ['Příliš', 'žluťoučký', 'kůň', 'Český', 'řeč', 'škola', 'žena', 'čas', 'dům', 'úplně', 'Čína', 'Řím', 'Štěpáněk', 'Dvořák', 'Señor', 'año', 'Ångström', 'Şişli', 'Ţara', 'garçon', 'naïve', 'Erdős'],
    ligatures: [],
    query: 'Štěpáněk Dvořák',
  },
];

let s: TestServer;
const docs = new Map<string, DocumentSummary>();

beforeAll(async () => {
  s = await startTestServer();
  for (const c of CASES) docs.set(c.file, await ingest(s.url, { path: fixtureFile('tex', c.file) }));
});
afterAll(() => s.close());

describe('TeX accents composed from two glyphs (OT1)', () => {
  it.each(CASES)('$file: the stored page text has each accented letter whole, in NFC', async (c) => {
    const d = docs.get(c.file)!;
    expect(d, JSON.stringify(d.error)).toMatchObject({ status: 'ready', pages: 1 });
    const { text } = await getPage(s.url, d.id, 1);
    expect(accentFaults(text), text).toEqual([]);
    const words = wordsOf(text);
    expect(c.words.filter((w) => !words.has(w)), text).toEqual([]);
    expect(c.ligatures.filter((w) => !words.has(w)), text).toEqual([]);
  });

  it.each(CASES)('$file: a search with accented words finds a passage that has them', async (c) => {
    const d = docs.get(c.file)!;
    const results = await search(s.url, { query: c.query, documentIds: [d.id] });
    expect(results.length).toBeGreaterThan(0);
    for (const w of c.query.split(' ')) expect(results[0]!.text).toContain(w);
  });
});

// A real TeX manual in OT1 from Debian (texlive-lang-german, the package `npm run eval:set` also needs).
const MOREVERB_DE = '/usr/share/doc/texlive-doc/latex/translation-moreverb-de/moreverb-de.dtx.pdf';

describe('a German manual typeset in OT1 (Debian texlive-lang-german: moreverb-de.dtx.pdf)', () => {
  it('has every umlaut whole on every page', async (ctx) => {
    if (!fs.existsSync(MOREVERB_DE)) return ctx.skip(`${MOREVERB_DE} is missing (apt-get install texlive-lang-german)`);
    const d = await ingest(s.url, { path: MOREVERB_DE });
    expect(d, JSON.stringify(d.error)).toMatchObject({ status: 'ready', pages: 9 });
    const faults: string[] = [];
    const words = new Set<string>();
    for (let n = 1; n <= d.pages!; n++) {
      const { text } = await getPage(s.url, d.id, n);
      // Backquotes are the manual's own: LaTeX source quoted in typewriter type (``…'').
      for (const f of accentFaults(text.replace(/`/g, "'"))) faults.push(`page ${n}: ${f}`);
      for (const w of wordsOf(text)) words.add(w);
    }
    expect(faults).toEqual([]);
    expect(['Schöpf', 'ermöglicht', 'Körper', 'wortwörtlich', 'Größe', 'nützlich', 'heißt'].filter((w) => !words.has(w))).toEqual([]);
  });
});
