/** Which metadata titles are shown (ingest/title.ts): words a person would recognise, not a converter's leftovers. */
import { describe, expect, it } from 'vitest';
import { pickTitle, sensibleTitle } from '../../server/src/ingest/title.js';

describe('sensibleTitle', () => {
  it('keeps real titles, in any script, tidied', () => {
    expect(sensibleTitle('Form 10-Q for Microsoft Corp filed 01/24/2023', '2023 Q1 MSFT.pdf')).toBe('Form 10-Q for Microsoft Corp filed 01/24/2023');
    expect(sensibleTitle('  Wartungshandbuch   für Kreiselpumpen ', 'x.pdf')).toBe('Wartungshandbuch für Kreiselpumpen');
    expect(sensibleTitle('年度报告', 'report.pdf')).toBe('年度报告');
    expect(sensibleTitle('Kubernetes', 'k8s.pdf')).toBe('Kubernetes');
  });

  it('drops accession numbers, codes, placeholders, file names, paths and the file name itself', () => {
    for (const junk of [
      '0000320193-23-000077',
      'NYC08CA055',
      'Untitled',
      'untitled document',
      'Microsoft Word - pumps_v3.docx',
      'report_final.doc',
      'C:\\Users\\me\\report',
      '/home/me/report',
      'PowerPoint Presentation',
      'abc',
      'x'.repeat(201),
    ]) {
      expect(sensibleTitle(junk, 'whatever.pdf'), junk).toBeNull();
    }
    expect(sensibleTitle('Annual report', 'Annual_report.pdf')).toBeNull();
    expect(sensibleTitle(null, 'a.pdf')).toBeNull();
  });
});

describe('pickTitle', () => {
  it('takes the first sensible candidate, else the first one there is', () => {
    expect(pickTitle(['Microsoft Word - a.docx', 'Pump manual'], '')).toBe('Pump manual');
    expect(pickTitle(['0000320193-23-000077', null], '')).toBe('0000320193-23-000077');
    expect(pickTitle([null, undefined], '')).toBeNull();
  });
});
