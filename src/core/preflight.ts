// Pre-flight: everything that must hold before the migration changes anything, checked
// read-only and reported all at once, each problem with what to do about it. It is also
// the whole of a dry run. The header analysis is a pure function so that every unit of a
// run can re-derive the column layout from the one header read it makes.
import { MigrationConfig } from './config';
import { SheetLike, SpreadsheetLike } from './gas';
import { normalizeHeader } from './columnMap';

/** Google Sheets refuses to grow a workbook past this many cells (all tabs, whole grids). */
export const WORKBOOK_CELL_LIMIT = 10000000;

export interface Problem {
  code:
    | 'missing-sheet'
    | 'empty-sheet'
    | 'no-header'
    | 'blank-header'
    | 'unnamed-trailing-columns'
    | 'duplicate-header'
    | 'v3-inside'
    | 'lookalike'
    | 'column-count'
    | 'cell-limit'
    | 'access'
    | 'state';
  message: string;
}

/** Where the v3 columns are in a header row, and what is wrong with it. */
export interface HeaderAnalysis {
  /** The header row as text, columns 1..lastColumn of the sheet. */
  headers: string[];
  /** Header columns before any v3 column: the "before" of before + added. */
  columnCountBefore: number;
  /** v3 columns already at the end of the header, in sheet order. */
  v3Present: string[];
  /** v3 columns still to add, in plan order. */
  v3Missing: string[];
  problems: Problem[];
  notes: string[];
}

/** Column number (1-based) to its letters: 1 -> A, 27 -> AA. */
export function columnLetter(column: number): string {
  let n = column;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

function col(column: number): string {
  return `${columnLetter(column)} (column ${column})`;
}

export function headerText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

/**
 * Reads the header row with the two calls every unit makes: the last column with content,
 * then one getValues of the header row.
 */
export function readHeaderRow(sheet: SheetLike, headerRow: number): string[] {
  const lastColumn = sheet.getLastColumn();
  if (lastColumn < 1 || (headerRow > 1 && sheet.getMaxRows() < headerRow)) return [];
  return sheet.getRange(headerRow, 1, 1, lastColumn).getValues()[0].map(headerText);
}

export function analyzeHeader(headers: string[], config: Pick<MigrationConfig, 'newColumns' | 'expectedColumnCountBefore' | 'targetSheet' | 'headerRow'>): HeaderAnalysis {
  const problems: Problem[] = [];
  const notes: string[] = [];
  const sheetName = config.targetSheet;
  const v3Names = config.newColumns.map((c) => c.name);
  const v3ByKey = new Map(v3Names.map((n) => [normalizeHeader(n), n] as [string, string]));

  // Trailing header cells that are blank while the sheet has content that far to the right:
  // the v3 columns go after the last column, so they would land on unnamed data.
  let lastNamed = headers.length;
  while (lastNamed > 0 && headers[lastNamed - 1].trim() === '') lastNamed--;
  if (lastNamed === 0) {
    const row = config.headerRow;
    problems.push(
      headers.length
        ? { code: 'no-header', message: `The sheet "${sheetName}" has data but row ${row} holds no header names. Put the v2.1 header in row ${row}, then run again.` }
        : { code: 'empty-sheet', message: `The sheet "${sheetName}" is empty: row ${row} has no header. Open the spreadsheet whose "${sheetName}" tab holds the v2.1 data, then run again.` },
    );
    return { headers, columnCountBefore: 0, v3Present: [], v3Missing: v3Names, problems, notes };
  }
  if (lastNamed < headers.length) {
    const from = lastNamed + 1;
    const to = headers.length;
    problems.push({
      code: 'unnamed-trailing-columns',
      message:
        `${from === to ? `Column ${col(from)} has` : `Columns ${columnLetter(from)}–${columnLetter(to)} have`} values but no header in row ${config.headerRow}; the v3 columns would land on that data. ` +
        `Give ${from === to ? 'it a header' : 'them headers'} or move the data, then run again.`,
    });
  }

  // The v3 block: the run of v3 names (compared normalised) at the very end of the header.
  const seen = new Set<string>();
  let blockStart = lastNamed;
  while (blockStart > 0) {
    const key = normalizeHeader(headers[blockStart - 1]);
    if (!v3ByKey.has(key) || seen.has(key)) break;
    seen.add(key);
    blockStart--;
  }
  const columnCountBefore = blockStart;
  const v3Present: string[] = [];
  for (let c = blockStart + 1; c <= lastNamed; c++) {
    const text = headers[c - 1];
    const name = v3ByKey.get(normalizeHeader(text)) as string;
    v3Present.push(name);
    if (text !== name) {
      problems.push({
        code: 'lookalike',
        message: `Column ${col(c)} is named "${text}", which looks like the v3 column "${name}" but is not spelled exactly so (apps find columns by exact name). Rename the header to "${name}", then run again.`,
      });
    }
  }
  const v3Missing = v3Names.filter((n) => !v3Present.includes(n));

  // v2.1 part: blanks, duplicates, and v3 names (or lookalikes) where they must not be.
  const byKey = new Map<string, number[]>();
  const blanks: number[] = [];
  for (let c = 1; c <= columnCountBefore; c++) {
    const text = headers[c - 1];
    const key = normalizeHeader(text);
    if (key === '') {
      blanks.push(c);
      continue;
    }
    const list = byKey.get(key);
    if (list) list.push(c);
    else byKey.set(key, [c]);
    const v3 = v3ByKey.get(key);
    if (v3) {
      const exact = text === v3;
      problems.push({
        code: exact ? 'v3-inside' : 'lookalike',
        message: exact
          ? `The v3 column "${v3}" already exists at ${col(c)}, inside the v2.1 columns; the v3 columns must come last (after ${columnLetter(columnCountBefore)}). Rename or move that column, then run again.`
          : `Column ${col(c)} is named "${text}", which looks like the v3 column "${v3}". Rename it (e.g. "${text.trim()}_v2"), then run again.`,
      });
    }
  }
  if (blanks.length) {
    const one = blanks.length === 1;
    const list = blanks.slice(0, 8).map(columnLetter).join(', ') + (blanks.length > 8 ? ` and ${blanks.length - 8} more` : '');
    problems.push({
      code: 'blank-header',
      message: `${one ? 'Column' : 'Columns'} ${list} of "${sheetName}" ${one ? 'has' : 'have'} no header in row ${config.headerRow} (columns are found by name). Name ${one ? 'it' : 'them'} or delete unused empty columns, then run again.`,
    });
  }
  byKey.forEach((cols) => {
    if (cols.length < 2 || v3ByKey.has(normalizeHeader(headers[cols[0] - 1]))) return;
    const names = cols.map((c) => `"${headers[c - 1]}" at ${columnLetter(c)}`).join(', ');
    problems.push({
      code: 'duplicate-header',
      message: `The header ${names} is the same name (ignoring case, accents and spaces). Rename all but one, then run again.`,
    });
  });
  // A v3 name once in the block and again inside the v2.1 part is reported above as v3-inside.

  const expected = config.expectedColumnCountBefore;
  if (expected !== null && expected !== columnCountBefore) {
    problems.push({
      code: 'column-count',
      message: `The plan expects ${expected} v2.1 columns, but "${sheetName}" has ${columnCountBefore}${v3Present.length ? ` (plus ${v3Present.join(', ')})` : ''}. Check this is the right spreadsheet; if the sheet changed on purpose, set "expectedColumnCountBefore" to ${columnCountBefore} (or null) in the config.`,
    });
  }
  if (v3Present.length > 0 && v3Missing.length > 0) {
    notes.push(`Some v3 columns are already at the end (${v3Present.join(', ')}); only ${v3Missing.join(', ')} will be added.`);
  }
  return { headers, columnCountBefore, v3Present, v3Missing, problems, notes };
}

export interface WorkbookSize {
  cells: number;
  bySheet: Array<{ name: string; cells: number; maxRows: number }>;
}

/** Cells of every tab's whole grid: what counts toward the workbook limit. */
export function workbookSize(ss: SpreadsheetLike): WorkbookSize {
  const bySheet = ss.getSheets().map((s) => {
    const maxRows = s.getMaxRows();
    return { name: s.getName(), cells: maxRows * s.getMaxColumns(), maxRows };
  });
  return { cells: bySheet.reduce((a, s) => a + s.cells, 0), bySheet };
}

/** Columns the grid must grow by so that the missing v3 columns fit after the header. */
export function gridGrowth(analysis: HeaderAnalysis, maxColumns: number): number {
  return Math.max(0, analysis.headers.length + analysis.v3Missing.length - maxColumns);
}

export function cellLimitProblem(ss: SpreadsheetLike, sheet: SheetLike, growColumns: number, sheetName: string): Problem | null {
  if (growColumns <= 0) return null;
  const size = workbookSize(ss);
  // Tab names are unique in a spreadsheet, and getName is answered locally: no second getMaxRows.
  const name = sheet.getName();
  const own = size.bySheet.find((s) => s.name === name);
  const added = growColumns * (own ? own.maxRows : sheet.getMaxRows());
  if (size.cells + added <= WORKBOOK_CELL_LIMIT) return null;
  const over = size.cells + added - WORKBOOK_CELL_LIMIT;
  return {
    code: 'cell-limit',
    message:
      `Adding ${growColumns} column${growColumns > 1 ? 's' : ''} to "${sheetName}" would make the workbook ${size.cells + added} cells, over Google Sheets' limit of ${WORKBOOK_CELL_LIMIT}. ` +
      `Delete unused empty rows or columns (any tab; largest: ${size.bySheet.slice().sort((a, b) => b.cells - a.cells).slice(0, 3).map((s) => `"${s.name}" ${s.cells}`).join(', ')}) to free at least ${over} cells, then run again.`,
  };
}

export interface PreflightReport {
  problems: Problem[];
  notes: string[];
  sheet: SheetLike | null;
  analysis: HeaderAnalysis | null;
  /** Facts the plan describes. */
  lastRow: number;
  maxColumns: number;
  growColumns: number;
}

/** The target tab is not there: which tabs are, and what to do. */
export function missingSheetMessage(ss: SpreadsheetLike, name: string): string {
  const tabs = ss.getSheets().map((s) => `"${s.getName()}"`).join(', ');
  return `This spreadsheet has no tab named "${name}" (its tabs are ${tabs || 'none'}). Open the spreadsheet with the v2.1 "${name}" tab, or rename the tab back, then run again.`;
}

/** The whole pre-flight, read-only. */
export function runPreflight(ss: SpreadsheetLike, config: MigrationConfig): PreflightReport {
  const sheet = ss.getSheetByName(config.targetSheet);
  if (!sheet) {
    return { problems: [{ code: 'missing-sheet', message: missingSheetMessage(ss, config.targetSheet) }], notes: [], sheet, analysis: null, lastRow: 0, maxColumns: 0, growColumns: 0 };
  }
  const analysis = analyzeHeader(readHeaderRow(sheet, config.headerRow), config);
  const named = analysis.headers.length;
  const lastRow = named ? sheet.getLastRow() : 0;
  const maxColumns = sheet.getMaxColumns();
  const growColumns = named ? gridGrowth(analysis, maxColumns) : 0;
  const limit = cellLimitProblem(ss, sheet, growColumns, config.targetSheet);
  // A copy: the cell limit is not a header problem (the layout keeps only those).
  return { problems: analysis.problems.concat(limit || []), notes: analysis.notes, sheet, analysis, lastRow, maxColumns, growColumns };
}
