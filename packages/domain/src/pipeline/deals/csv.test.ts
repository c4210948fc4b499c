import { describe, expect, it } from 'vitest';
import { csvCell, csvRow, parseCsv } from './csv.ts';

describe('CSV cells', () => {
  it('neutralises every formula lead-in, including tab and carriage return', () => {
    for (const s of ['=1+1', '+1', '-1', '@A1', '\tx', '\rx']) expect(csvCell(s).replace(/^"/, '').startsWith(`'${s[0]}`)).toBe(true);
    expect(csvCell('plain')).toBe('plain');
  });

  it('leaves numbers and dates alone: only text can carry a formula', () => {
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02T03:04:05.000Z');
    expect(csvCell(null)).toBe('');
  });

  it('quotes per RFC 4180 and parses back to the same cells', () => {
    const cells = ['a,b', 'say "hi"', 'two\r\nlines', 'x'];
    const line = csvRow(cells);
    expect(line).toBe('"a,b","say ""hi""","two\r\nlines",x\r\n');
    expect(parseCsv(line)).toEqual([cells]);
  });
});
