import type PDFKit from 'pdfkit';
import type { ReportDoc } from './figures.ts';

// Reports on A4 paper (595.28 x 841.89 pt), with pdfkit's built-in Helvetica. Content streams are
// written uncompressed: a one-page report stays a few kilobytes, and its figures stay readable by
// text tools (and tests) without inflating anything.

export const A4 = { width: 595.28, height: 841.89 } as const;
const MARGIN = 50;
const GREY = '#555555';

/** pdfkit, loaded on the first report: its fonts weigh about 20 MB, which a server that renders none never pays. */
let pdfkit: Promise<typeof PDFKit> | undefined;
const loadPdfkit = () => (pdfkit ??= import('pdfkit').then((m) => m.default));

export async function renderPdf(doc: ReportDoc, info: { generatedAt: Date }): Promise<Buffer> {
  const PDFDocument = await loadPdfkit();
  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    compress: false,
    info: { Title: doc.title, Creator: 'CRM platform reports', CreationDate: info.generatedAt },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const width = A4.width - 2 * MARGIN;
  const bottom = A4.height - MARGIN;
  const ensureRoom = (h: number) => {
    if (pdf.y + h > bottom) pdf.addPage();
  };

  pdf.font('Helvetica-Bold').fontSize(20).fillColor('black').text(doc.title, { width });
  pdf.moveDown(0.3).font('Helvetica').fontSize(10).fillColor(GREY).text(doc.subtitle, { width });
  pdf.moveDown(1).fillColor('black').fontSize(11);
  for (const [label, value] of doc.facts) {
    ensureRoom(16);
    const y = pdf.y;
    pdf.font('Helvetica').text(label, MARGIN, y, { width: width * 0.55 });
    pdf.font('Helvetica-Bold').text(value, MARGIN + width * 0.55, y, { width: width * 0.45 });
    pdf.moveDown(0.4);
  }
  for (const table of doc.tables) {
    pdf.moveDown(1);
    ensureRoom(40);
    pdf.font('Helvetica-Bold').fontSize(13).text(table.heading, MARGIN, pdf.y, { width });
    pdf.moveDown(0.4).fontSize(10);
    const col = width / table.columns.length;
    const row = (cells: string[], font: string) => {
      ensureRoom(14);
      const y = pdf.y;
      pdf.font(font);
      for (const [i, cell] of cells.entries()) pdf.text(cell, MARGIN + i * col, y, { width: col - 6, lineBreak: false, ellipsis: true });
      pdf.x = MARGIN;
      pdf.moveDown(0.5);
    };
    row(table.columns, 'Helvetica-Bold');
    if (table.rows.length === 0) row(['(none)'], 'Helvetica');
    for (const cells of table.rows) row(cells, 'Helvetica');
  }
  pdf.end();
  return done;
}
