/**
 * Test PDFs, made by the tests (pdf-lib, MIT; the font is
 * DejaVu Sans Mono in tests/fixtures/pdf/, with its licence): nothing else is
 * shipped, so every file's content is visible here.
 *
 * - `textPdf()`: three pages — Kazakh, Russian and English text; an English
 *   sentence runs from the end of page 1 to the start of page 2; page 3 is a
 *   scanned page (one image, no text).
 * - `scriptedPdf(probeUrl)`: a page whose document-level JavaScript and
 *   OpenAction would request `probeUrl` if anything ran them, plus a Launch action.
 * - `brokenPdf()`: a PDF header and then nothing a reader can use.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { PDFDocument, PDFHexString, PDFName, PDFString, rgb } from 'pdf-lib';
import fontkit from '@pdf-lib/fontkit';
import { ROOT } from '../paths';

const FONT = join(ROOT, 'tests', 'fixtures', 'pdf', 'DejaVuSansMono.ttf');

/** Lines of the three-page test PDF, per page (page 3 is the scanned one). */
export const TEXT_PDF = {
  page1: [
    'Сот шешімі туралы есеп',
    'Сот келісімшартты заңсыз деп тапты.',
    'Суд признал договор недействительным.',
    'Министерство обжаловало это решение.',
    'The court found that the ministry had signed the',
  ],
  page2: [
    'contract without a public tender in March 2024.',
    'Министрлік бұл шешімге шағым берді.',
    'Witnesses confirmed the payment on the second page.',
  ],
  /** The sentence that crosses the page break, as a reader selects it. */
  acrossBreak: 'ministry had signed the contract without a public tender',
  title: 'Court ruling report',
};

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  const td = new TextEncoder().encode(type);
  out.set(td, 4);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A grey-scale PNG that looks like a scanned page: dark "lines of text" on light paper. */
export function scannedPng(width = 400, height = 520): Uint8Array {
  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0;
    const line = y > 40 && y % 28 < 10 && y < height - 40;
    for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = line && x > 30 && x < width - 30 - (y % 70) ? 40 : 235;
  }
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr.set([8, 0, 0, 0, 0], 8);
  const sig = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const parts = [sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function withFont() {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(readFileSync(FONT), { subset: true });
  return { doc, font };
}

/** `producer` changes the file's bytes without changing its text (a re-save by another tool). */
export async function textPdf(opts: { producer?: string; id?: string } = {}): Promise<Uint8Array> {
  const { doc, font } = await withFont();
  doc.setTitle(TEXT_PDF.title);
  doc.setProducer(opts.producer ?? 'Saqta tests');
  doc.setCreationDate(new Date('2026-01-01T00:00:00Z'));
  doc.setModificationDate(new Date('2026-01-01T00:00:00Z'));
  for (const lines of [TEXT_PDF.page1, TEXT_PDF.page2]) {
    const page = doc.addPage([595, 842]);
    lines.forEach((line, i) => page.drawText(line, { x: 60, y: 760 - i * 40, size: 16, font, color: rgb(0, 0, 0) }));
  }
  const scan = doc.addPage([595, 842]);
  const img = await doc.embedPng(scannedPng());
  scan.drawImage(img, { x: 60, y: 120, width: 475, height: 620 });
  if (opts.id) setId(doc, opts.id);
  return doc.save({ useObjectStreams: false });
}

/** Give the file this /ID (both halves): PDF.js's `fingerprints`. */
function setId(doc: PDFDocument, id: string) {
  const hex = Buffer.from(id.padEnd(16, '.').slice(0, 16)).toString('hex');
  doc.context.trailerInfo.ID = doc.context.obj([PDFHexString.of(hex), PDFHexString.of(hex)]) as never;
}

/** A different document (other text) that carries the same /ID as `textPdf({ id })`. */
export async function otherPdf(id: string): Promise<Uint8Array> {
  const { doc, font } = await withFont();
  doc.setTitle('Unrelated memo');
  doc.addPage([595, 842]).drawText('An unrelated memo about roads.', { x: 60, y: 760, size: 16, font });
  setId(doc, id);
  return doc.save({ useObjectStreams: false });
}

export async function scriptedPdf(probeUrl: string): Promise<Uint8Array> {
  const { doc, font } = await withFont();
  doc.setTitle('Scripted');
  doc.addPage([595, 842]).drawText('This PDF carries a script that must never run.', { x: 60, y: 760, size: 16, font });
  doc.addJavaScript('probe', `app.launchURL(${JSON.stringify(probeUrl)}, true); this.submitForm(${JSON.stringify(probeUrl)});`);
  const open = doc.context.obj({ S: PDFName.of('JavaScript'), JS: PDFString.of(`app.launchURL(${JSON.stringify(probeUrl)}, true);`) });
  const launch = doc.context.obj({ S: PDFName.of('Launch'), F: PDFString.of('/bin/sh'), Next: open });
  doc.catalog.set(PDFName.of('OpenAction'), launch);
  return doc.save({ useObjectStreams: false });
}

export function brokenPdf(): Uint8Array {
  return new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\nstream garbage that ends here');
}

/**
 * A long report (`pages` pages of Kazakh/Russian/English text, page number at the foot): the
 * 300-page PDF of the issue, for the bench (bench/suites/pdf.ts). `claimText(n)` is a sentence
 * on page n only, to claim and find.
 */
export async function longPdf(pages = 300): Promise<Uint8Array> {
  const { doc, font } = await withFont();
  doc.setTitle(`Long report (${pages} pages)`);
  for (let n = 1; n <= pages; n++) {
    const page = doc.addPage([595, 842]);
    const lines = [longPdfClaimText(n), ...TEXT_PDF.page1.slice(1, 4), ...TEXT_PDF.page2, ...TEXT_PDF.page1.slice(1, 4), ...TEXT_PDF.page2, ...TEXT_PDF.page1.slice(1, 4)];
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 790 - i * 24, size: 11, font, color: rgb(0, 0, 0) }));
    page.drawText(`— ${n} —`, { x: 280, y: 30, size: 9, font });
  }
  return doc.save({ useObjectStreams: false });
}

export const longPdfClaimText = (n: number) => `Finding number ${n} of the long report is stated on page ${n}.`;
