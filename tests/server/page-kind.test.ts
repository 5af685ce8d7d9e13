/**
 * Dot leaders collapsed (collapseLeaders, on cleaned text as ingestion does) and the detector of contents and index pages
 * (pageKind). The pages below are shaped like what pdf.js gives for real documents: TeX contents with leaders
 * (l2kurz, xeCJK), contents without leaders (texlive-de), a 10-Q's contents table read cell by cell, a TeX index,
 * and body pages with numbers in them that must stay body pages.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collapseLeaders } from '@pagewise/shared';
import { cleanText } from '../../server/src/ingest/normalize.js';
import { pageKind } from '../../server/src/ingest/page-kind.js';
import { createLogger } from '../../server/src/logger.js';
import { openDb } from '../../server/src/store/db.js';
import { DocumentStore } from '../../server/src/store/documents.js';
import { classifyStoredPages } from '../../server/src/store/page-kinds.js';

/** A page as ingestion classifies it: cleaned text, leaders collapsed. */
const kindOf = (lines: string[]) => pageKind(collapseLeaders(cleanText(lines.join('\n'))));

describe('collapseLeaders', () => {
  it('collapses spaced and solid dot leaders into one "…", keeping the entry and its page', () => {
    expect(collapseLeaders('1 Einleitung . . . . 1 1.1 Übersicht . . . 1')).toBe('1 Einleitung … 1 1.1 Übersicht … 1');
    expect(collapseLeaders('2.3. Kommentare . . . . . . . . . . . . . . . . . . 10')).toBe('2.3. Kommentare … 10');
    expect(collapseLeaders('Installation.............................12')).toBe('Installation…12');
    expect(collapseLeaders('Tabelle 3 · · · · · · · · 12\nAbbildung 4 ·········· 15')).toBe('Tabelle 3 … 12\nAbbildung 4 … 15');
  });

  it('collapses CJK leaders: ellipses, middle dots and spaced dots, as drawn and after cleaning (NFKC)', () => {
    for (const text of ['第一章 绪论……………………1', cleanText('第一章 绪论……………………1')]) expect(collapseLeaders(text)).toBe('第一章 绪论…1');
    expect(collapseLeaders('3.1 宏包选项 . . . . . . . . . . . . . 2')).toBe('3.1 宏包选项 … 2');
    expect(collapseLeaders('第二章 方法・・・・・・・・・5\n附录⋯⋯⋯⋯⋯9')).toBe('第二章 方法…5\n附录…9');
  });

  it('leaves ellipses, decimals, abbreviations and section numbers alone', () => {
    for (const text of ['Wait... what?', 'e.g. 1.2.3 and U.S.A.', 'pi is 3.14159', '他说……然后走了。', 'Version 1.0.2.4', '. .']) {
      expect(collapseLeaders(text)).toBe(text);
    }
  });
});

describe('pageKind: contents and index pages', () => {
  it('finds a German contents page with leaders, also with several entries on one line', () => {
    expect(
      kindOf([
        'Inhaltsverzeichnis',
        '1 Einleitung . . . . . . . . . . . . . . . . . . 1',
        '1.1 Übersicht . . . . . . . . . . . . . . . . . 1',
        '1.2 Aufbau des Handbuchs . . . . . . . . . . . 3',
        '2 Installation . . . . . . . . . . . . . . . . . 5',
        '2.1 Voraussetzungen . . . . . . . . . . . . . . 5',
        '2.2 Unter Windows . . . . . . . . . . . . . . . 8',
      ]),
    ).toBe('contents');
    expect(kindOf(['1 Einleitung . . . . 1 1.1 Übersicht . . . 1 1.2 Aufbau . . . 3 2 Installation . . . . 5 2.1 Voraussetzungen . . . 5'])).toBe(
      'contents',
    );
  });

  it('finds a Chinese 目录 page, with spaced dots and with ellipsis leaders', () => {
    const xecjk = ['目录', '第 1 节 简介 1', '第 2 节 基本用法 1', '第 3 节 用户手册 2', '3.1 宏包选项 . . . . . . . . . . . . . 2'];
    expect(kindOf([...xecjk, '3.2 字体设置与选择 . . . . . . . . . 6', '3.3 CJK 分区字体设置 . . . . . . . . 10', '第 4 节 已知问题和兼容性 16'])).toBe('contents');
    expect(kindOf(['目  录', '第一章 绪论……………………………1', '第一节 研究背景………………………3', '第二节 研究方法………………………7', '第二章 文献综述……………………12'])).toBe(
      'contents',
    );
  });

  it('finds contents without leaders, and a 10-Q contents table read one cell per line', () => {
    const texlive = ['Inhaltsverzeichnis', '1 Einleitung 6', '1.1 TEX Live und die TEX Live-Collection 6', '1.2 Unterstützung verschiedener Betriebssysteme 6'];
    expect(kindOf([...texlive, '1.3 Einsatzmöglichkeiten 7', '2 Überblick zum TEX Live-System 11', '10.3 TEX Live 2004 77', '10.4 TEX Live 2005 80'])).toBe('contents');
    const tenQ = ['Apple Inc.', 'Form 10-Q', 'TABLE OF CONTENTS', 'Page', 'Part I', 'Item 1.', 'Financial Statements', '1', 'Item 2.'];
    const rest = ['Management’s Discussion and Analysis of Financial Condition and Results of Operations', '14', 'Item 3.', 'Quantitative and Qualitative Disclosures About Market Risk', '19'];
    expect(kindOf([...tenQ, ...rest, 'Item 4.', 'Controls and Procedures', '19', 'Part II', 'Item 1.', 'Legal Proceedings', '20', 'Item 1A.', 'Risk Factors', '20'])).toBe('contents');
  });

  it('finds a back-of-book index, with commas and with leaders', () => {
    const index = ['Index', 'A', 'Abbildung, 12, 45–47', 'Absatz, 3', 'Akzente, 18, 22', 'Anführungszeichen, 19', 'B', 'Befehl, 5, 9', 'optionales Argument, 10'];
    expect(kindOf([...index, 'Blocksatz, 22–24', 'Briefe, 51ff.', 'C', 'Cedille, 18', 'center, 25', 'Computer Modern, 41, 43'])).toBe('index');
    const code = ['代码索引', 'Symbols', '\\" . . . . . . . . . . . 7094, 7373, 7374, 7379,', '7382, 7383, 7399, 7406, 7484, 7491, 7611,'];
    expect(kindOf([...code, '\\( . . . . . . . . . . . . . . . . 4615', '\\AddToHook . . . . . . . . 3, 7', 'anchor . . . . . . . . . . 4, 9', 'boxheight . . . . . . . 9'])).toBe('index');
  });
});

describe('pageKind: body pages with numbers stay body pages', () => {
  it('prose with section numbers, a running header, a reference and a page number', () => {
    expect(
      kindOf([
        '1.2.2. Layout-Design',
        'Typographisches Design ist ein Handwerk, das erlernt werden muss. Ungeübte Autoren machen dabei oft',
        'gravierende Fehler, wie in Abschnitt 3.4 auf Seite 12 beschrieben. Die Schriftgröße soll 11 oder 12',
        'Punkt betragen, der Zeilenabstand etwa 1,2. Siehe auch Tabelle 4 und Kapitel 7',
        'Beispiele: Die Nummerierung von Überschriften soll so gewählt werden, dass die Struktur klar ist.',
        '6',
      ]),
    ).toBeNull();
    expect(
      kindOf(['第 3 节 用户手册 3', 'xeCJK 以 ⟨key⟩=⟨var⟩ 的形式提供宏包选项,详见 3.1 节。xeCJK 需要 XeTeX 0.9995.0 (2009/06/29) 以后的版本。', '缺省状态下,xeCJK 会忽略 CJK 文字之间的空格。', '3']),
    ).toBeNull();
  });

  it('financial statements, as rows and as one cell per line', () => {
    const rows = ['Three Months Ended', '(In Millions; Unaudited) Apr 1, 2023 Apr 2, 2022', 'Net revenue $ 11,715 $ 18,353', 'Cost of sales 7,707 9,109'];
    const more = ['Gross margin 4,008 9,244', 'Restructuring and other charges 64 (1,211)', 'Interest and other, net 141 997', 'Provision for taxes 1,610 1,548', 'Basic 4,154 4,079'];
    expect(kindOf([...rows, ...more, 'Diluted 4,154 4,107', 'Other, net 12 35', 'Total 1,204 2,150'])).toBeNull();
    const cells = ['Net income', '$', '19,881 $', '19,442 $', 'Change in fair value of derivative instruments', '509', '852', '(492)', '1,548'];
    expect(kindOf([...cells, 'Adjustment for net (gains)/losses realized', '103', '121', '(1,854)', '(87)', 'Total', '612', '973'])).toBeNull();
  });

  it('a table of symbols with one number repeated, a code listing with line numbers, and dated lines', () => {
    const symbols = ['Tabelle 19: Negierte Relationen', '6', '< \\not< 6', '> \\not> 6', '= \\not=', '6', '≤ \\not\\leq 6', '≥ \\not\\geq 6', '≡ \\not\\equiv'];
    expect(kindOf([...symbols, '6', '≺ \\not\\prec 6', '\\not\\succ 6', '∼ \\not\\sim', '6', '\\not\\preceq 6'])).toBeNull();
    const listing = ['24 \\end{question}', '25 }', '26', '27 \\element{general}{', '28 \\begin{questionmult}{pref}', '36 }', '37', '38 \\element{general}{'];
    expect(kindOf([...listing, '49 }', '50', '51 \\onecopy{5}{', '52', '53 %%% beginning of the test sheet header:', '54', '55 \\noindent{\\bf QCM}'])).toBeNull();
    const dates = ['a) Statements of Income for the three months ended April 30, 2023 and May 1, 2022', 'b) Balance Sheets as of April 30, 2023 and January 29, 2023'];
    expect(kindOf([...dates, 'Signed on May 24, 2023', 'Filed on March 3, 2023', 'Amended on June 1, 2022'])).toBeNull();
  });

  it('an empty page, a title page, and a page whose contents are less than half of it', () => {
    expect(pageKind('')).toBeNull();
    expect(kindOf(['Anleitung zur Installation', 'Version 3', 'Berlin, 2022'])).toBeNull();
    const prose = [
      'The order and presentation of content in our Form 10-Q differs from the traditional SEC Form 10-Q format. Our format is designed',
      'to improve readability and better present how we organize and manage our business.',
    ];
    const toc = ['Page', 'Forward-Looking Statements', '1', 'A Quarter in Review', '2', 'Consolidated Statements of Income', '3', 'Balance Sheets', '5'];
    expect(kindOf([...prose, ...toc, 'Notes to Financial Statements', '8', 'Key Terms', '23', 'Risk Factors', '43'])).toBeNull();
  });
});

describe('pages stored before the detector', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-kinds-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are classified once at start-up, from their stored text with its leaders', () => {
    const db = openDb(dir);
    const docs = new DocumentStore(db);
    docs.insertOrGet({ id: 'old', name: 'old.pdf', sha256: 'x', bytes: 1 });
    // As an earlier version stored them: leaders as drawn, no kind.
    const contents = ['Contents', '1 Introduction . . . . . . . . 1', '2 Installation . . . . . . 4', '3 Operation . . . . . . . 9', '4 Maintenance . . . . . 15'];
    const read = { source: 'text' as const, ocrConfidence: null, warnings: [] };
    docs.pages.insert('old', [
      { pageNumber: 1, label: null, text: contents.join('\n'), ...read },
      { pageNumber: 2, label: null, text: 'Introduction\nThe pump moves 40 litres a minute at 2 bar; see page 9 for more.', ...read },
    ]);
    const log = createLogger({ level: 'silent' });
    expect(classifyStoredPages(db, log)).toBe(1);
    expect([1, 2].map((n) => docs.pages.get('old', n)?.kind)).toEqual(['contents', null]);
    // Once: a later start leaves the pages as they are.
    db.prepare('UPDATE pages SET kind = NULL').run();
    expect(classifyStoredPages(db, log)).toBe(0);
    expect(docs.pages.get('old', 1)?.kind).toBeNull();
    db.close();
  });
});
