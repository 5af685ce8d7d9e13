/**
 * Contents and index pages over real HTTP: a manual made here whose contents page has dot leaders, and a real
 * 10-Q whose contents table pdf.js reads one cell per line. The contents page is marked `contents` (its text stays
 * as drawn); a question whose words are on both the contents page and the page it lists finds the body page
 * first; a question only the contents page answers still finds it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentSummary } from '@pagewise/shared';
import { getPage, search, settled, uploadOk } from '../support/api.js';
import { fixtureFile } from '../support/fixtures.js';
import { textPdf } from '../support/pdfs.js';
import { startTestServer, type TestServer } from '../support/server.js';

const CONTENTS = [
  'Contents',
  '1 Introduction . . . . . . . . . . . . . . . . . . . . . . . . 2',
  '2 Installing the centrifugal pump . . . . . . . . . . . . . 2',
  '3 Lubricating the pump bearings . . . . . . . . . . . . . . 3',
  '4 Replacing the shaft seal . . . . . . . . . . . . . . . . . 4',
  '5 Troubleshooting cavitation noise . . . . . . . . . . . . 5',
  '6 Warranty registration card . . . . . . . . . . . . . . . 5',
];
/** Body pages: a section each, under the heading its contents entry names, in a few lines of prose. */
const PAGES = [
  CONTENTS,
  [
    '1 Introduction',
    'This manual covers the model CP-40 centrifugal pump for clean water service in buildings.',
    'Read it before you start the unit for the first time, and keep it near the machine room.',
    '2 Installing the centrifugal pump',
    'Mount the unit on a level concrete base and align the motor shaft before the first start.',
    'Connect the suction line without air pockets and fill the casing with water before you',
    'switch the motor on. Check the direction of rotation against the arrow on the casing.',
  ],
  [
    '3 Lubricating the pump bearings',
    'The two ball bearings carry the shaft between the motor and the impeller. They need',
    'lithium soap grease of consistency class NLGI 2 every 2,000 operating hours, and at',
    'least once a year when the unit runs less than that. Stop the motor and lock it out.',
    'Wipe the grease nipples clean, then press grease in with a hand gun, a few strokes at',
    'a time, until fresh grease appears at the relief plug on the opposite side. Run the',
    'unit for ten minutes with the relief plug open so that the surplus can escape, then',
    'close it. Too much grease makes the bearings run hot; too little wears them quickly.',
    'Write the date and the hours counter reading in the service log after each greasing.',
  ],
  [
    '4 Replacing the shaft seal',
    'A drip of more than ten drops a minute at the shaft means the mechanical seal is worn.',
    'Drain the casing, remove the impeller nut and the impeller, and pull the old seal off.',
    'Clean the shaft, wet it with soapy water and slide the new seal on by hand, spring first.',
  ],
  [
    '5 Troubleshooting cavitation noise',
    'A rattling sound at the suction side, as if gravel ran through the casing, means that',
    'vapour bubbles form and collapse at the impeller. Open the suction valve fully, clean the',
    'strainer and check that the water level above the inlet is at least one metre.',
  ],
];

let s: TestServer;
let manual: DocumentSummary;
let filing: DocumentSummary;

beforeAll(async () => {
  s = await startTestServer();
  const { documents } = await uploadOk(s.url, [
    { name: 'pump-manual.pdf', data: await textPdf(PAGES) },
    { path: fixtureFile('sec-10-q', '2023 Q2 AAPL.pdf') },
  ]);
  const ready = await Promise.all(documents.map((d) => settled(s.url, d.id)));
  for (const d of ready) expect(d.status, JSON.stringify(d.error)).toBe('ready');
  [manual, filing] = ready as [DocumentSummary, DocumentSummary];
});
afterAll(() => s?.close());

describe('contents pages', () => {
  it('are marked as contents, their text kept as drawn; body pages are not marked', async () => {
    const contents = await getPage(s.url, manual.id, 1);
    expect(contents.kind).toBe('contents');
    expect(contents.text).toContain('3 Lubricating the pump bearings . . . .');
    for (const n of [2, 3, 4, 5]) expect((await getPage(s.url, manual.id, n)).kind).toBeNull();
  });

  it('rank below the body page that answers a question whose words both have', async () => {
    for (const [query, page] of [['lubricating the pump bearings', 3], ['cavitation noise troubleshooting', 5]] as const) {
      const results = await search(s.url, { query, k: 5, documentIds: [manual.id] });
      expect(results.map((r) => r.page)).toContain(1);
      expect(results[0]!.page).toBe(page);
    }
  });

  it('stay searchable: a question only the contents page matches finds it', async () => {
    const results = await search(s.url, { query: 'warranty registration card', k: 3 });
    expect(results[0]).toMatchObject({ documentId: manual.id, page: 1 });
    expect(results[0]!.text).toContain('6 Warranty registration card');
  });

  it('a real 10-Q: only its contents table is marked, and questions on its items find the items above the table', async () => {
    const pages = [];
    for (let n = 1; n <= filing.pages!; n++) pages.push(await getPage(s.url, filing.id, n));
    expect(pages.flatMap((p, i) => (p.kind ? [`${i + 1}:${p.kind}`] : []))).toEqual(['3:contents']);
    for (const item of ['Mine Safety Disclosures', 'Defaults Upon Senior Securities']) {
      // The page of Part II that holds the item, under its heading.
      const body = pages.findIndex((p, i) => i > 2 && p.text.includes(item)) + 1;
      expect(body).toBeGreaterThan(3);
      const ranks = (await search(s.url, { query: item, k: 8, documentIds: [filing.id] })).map((r) => r.page);
      expect(ranks).toContain(3);
      expect(ranks).toContain(body);
      expect(ranks.indexOf(body)).toBeLessThan(ranks.indexOf(3));
    }
  });
});
