import type { reports as domain } from '@crm/domain';
import { type BuiltReport, csvOf, snakeKeys } from './figures.ts';
import { renderPdf } from './pdf.ts';

export interface ReportFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** The report as the file its schedule's format asks for. */
export async function reportFile(report: BuiltReport, format: domain.ReportFormat, now: Date): Promise<ReportFile> {
  const base = `${report.slug}-${now.toISOString().slice(0, 10)}`;
  switch (format) {
    case 'pdf':
      return { filename: `${base}.pdf`, contentType: 'application/pdf', content: await renderPdf(report.doc, { generatedAt: now }) };
    case 'csv':
      return { filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', content: Buffer.from(csvOf(report.table)) };
    case 'json':
      return {
        filename: `${base}.json`,
        contentType: 'application/json',
        content: Buffer.from(JSON.stringify(snakeKeys(report.data), null, 2)),
      };
  }
}

/** The mail's text: the report's facts, so a reader without the attachment still has the figures. */
export function mailText(report: BuiltReport, cron: string): string {
  const facts = report.doc.facts.map(([label, value]) => `${label}: ${value}`).join('\n');
  return `${report.title}\n${report.doc.subtitle}\n\n${facts}\n\nThe full report is attached.\nThis report is scheduled (${cron}, UTC).\n`;
}
