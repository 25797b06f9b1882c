// A1 notation: column letters and the range forms Sheet.getRange(a1) accepts.

export function columnToLetters(col: number): string {
  let s = '';
  let n = col;
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export function lettersToColumn(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

export function cellA1(row: number, col: number): string {
  return columnToLetters(col) + row;
}

export function rangeA1(row: number, col: number, numRows: number, numCols: number): string {
  const first = cellA1(row, col);
  return numRows === 1 && numCols === 1 ? first : `${first}:${cellA1(row + numRows - 1, col + numCols - 1)}`;
}

/** A parsed A1 range; `null` bounds mean "to the edge of the sheet" (A:C, 2:5, A2:C). */
export interface A1Range { sheetName?: string; row: number; col: number; lastRow: number | null; lastCol: number | null }

const PART = /^\$?([A-Za-z]{0,3})\$?(\d*)$/;

/** Parses 'B2', 'A1:C3', 'A:C', '2:5', 'A2:C', "'My sheet'!A1:B2". Returns null when invalid. */
export function parseA1(input: string): A1Range | null {
  let text = input.trim();
  let sheetName: string | undefined;
  const bang = text.lastIndexOf('!');
  if (bang >= 0) {
    sheetName = text.slice(0, bang);
    if (sheetName.startsWith("'") && sheetName.endsWith("'")) sheetName = sheetName.slice(1, -1).replace(/''/g, "'");
    text = text.slice(bang + 1);
  }
  const [a, b, extra] = text.split(':');
  if (extra !== undefined || !a) return null;
  const pa = PART.exec(a);
  if (!pa) return null;
  const pb = b === undefined ? null : PART.exec(b);
  if (b !== undefined && !pb) return null;
  const c1 = pa[1] ? lettersToColumn(pa[1]) : 0;
  const r1 = pa[2] ? Number(pa[2]) : 0;
  if (!pb) {
    if (!c1 || !r1) return null;
    return { sheetName, row: r1, col: c1, lastRow: r1, lastCol: c1 };
  }
  const c2 = pb[1] ? lettersToColumn(pb[1]) : 0;
  const r2 = pb[2] ? Number(pb[2]) : 0;
  if (c1 && !r1 && c2 && !r2) return { sheetName, row: 1, col: Math.min(c1, c2), lastRow: null, lastCol: Math.max(c1, c2) };
  if (!c1 && r1 && !c2 && r2) return { sheetName, row: Math.min(r1, r2), col: 1, lastRow: Math.max(r1, r2), lastCol: null };
  if (c1 && r1 && c2 && !r2) return { sheetName, row: r1, col: Math.min(c1, c2), lastRow: null, lastCol: Math.max(c1, c2) };
  if (c1 && r1 && c2 && r2) {
    return { sheetName, row: Math.min(r1, r2), col: Math.min(c1, c2), lastRow: Math.max(r1, r2), lastCol: Math.max(c1, c2) };
  }
  return null;
}

/** Quotes a sheet name for use in a formula or A1 reference when it needs it. */
export function quoteSheetName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}
