/**
 * CSV per RFC 4180 (CRLF line ends, quotes doubled, fields quoted when they hold a comma, quote or
 * line break), with spreadsheet formulas neutralised: a cell starting with = + - @ tab or CR is
 * prefixed with ' so Excel and Sheets show it as text instead of running it (CSV injection).
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** Parses what csvRow writes (used to prove the round trip); not a general CSV reader. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

export const EXPORT_COLUMNS = [
  'id',
  'name',
  'domain',
  'value_usd',
  'stage_id',
  'stage_name',
  'stage_is_won',
  'stage_is_lost',
  'owner_user_id',
  'owner_email',
  'stage_entered_at',
  'created_at',
  'updated_at',
] as const;
