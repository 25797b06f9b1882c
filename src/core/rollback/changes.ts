// What changed in the target sheet since the backup, counted chunk by chunk before a rollback
// acts, so the person confirming (and the log) knows what the snapshot will be holding.
import { SheetLike } from '../gas';
import { MigrationConfig } from '../config';
import { normalizeHeader } from '../columnMap';
import { cellAt, RowBlock, sameCell } from './compare';

/** A v3 column as found in the sheet, with the value the migration put in every row. */
export interface V3Column {
  column: number;
  name: string;
  initialValue: string | number;
}

/** The v3 columns of a header row, found by (normalised) name, never by position. */
export function findV3Columns(headers: unknown[], config: Pick<MigrationConfig, 'newColumns'>): V3Column[] {
  const byKey = new Map(config.newColumns.map((c) => [normalizeHeader(c.name), c] as [string, MigrationConfig['newColumns'][number]]));
  const out: V3Column[] = [];
  headers.forEach((h, i) => {
    const spec = byKey.get(normalizeHeader(h));
    if (spec) out.push({ column: i + 1, name: spec.name, initialValue: spec.initialValue });
  });
  return out;
}

export interface ChangeCount {
  /** Rows above this one are headers: their v3 cells hold names, not data. */
  firstDataRow: number;
  nextRow: number;
  lastRow: number;
  /** Columns read from the target sheet (its last column when counting started). */
  width: number;
  /** Columns read from the backup's sheet. */
  backupWidth: number;
  changedRows: number;
  rowsWithV3Data: number;
  changedSample: number[];
}

const SAMPLE = 10;

export function startCount(target: SheetLike, backupSheet: SheetLike, backupLastRow: number, headerRow: number): ChangeCount {
  return {
    firstDataRow: headerRow + 1,
    nextRow: 1,
    lastRow: Math.max(target.getLastRow(), backupLastRow),
    width: Math.max(target.getLastColumn(), 1),
    backupWidth: Math.max(backupSheet.getLastColumn(), 1),
    changedRows: 0,
    rowsWithV3Data: 0,
    changedSample: [],
  };
}

/**
 * Counts the next chunk: a row has changed when its cells outside the v3 columns differ from
 * the backup's row (an inserted or deleted column shifts, and so changes, every later cell);
 * a row holds v3 data when a v3 cell is neither empty nor its initial value.
 * Reads: values and formulas of the target chunk and of the backup chunk, no write.
 */
export function countNextChunk(
  target: SheetLike,
  backupSheet: SheetLike,
  backupLastRow: number,
  c: ChangeCount,
  v3: V3Column[],
  chunkRows: number,
): ChangeCount {
  if (c.nextRow > c.lastRow) return c;
  const n = Math.min(chunkRows, c.lastRow - c.nextRow + 1);
  const curRange = target.getRange(c.nextRow, 1, n, c.width);
  const cur: RowBlock = { values: curRange.getValues(), formulas: curRange.getFormulas() };
  // Below the backup's last row its sheet is empty; reading there could leave its grid.
  const bn = Math.min(n, backupLastRow - c.nextRow + 1);
  let old: RowBlock = { values: [], formulas: [] };
  if (bn > 0) {
    const r = backupSheet.getRange(c.nextRow, 1, bn, c.backupWidth);
    old = { values: r.getValues(), formulas: r.getFormulas() };
  }
  const initial = new Map<number, string | number>(v3.map((x) => [x.column, x.initialValue] as [number, string | number]));
  const out = { ...c, changedSample: c.changedSample.slice() };
  for (let i = 0; i < n; i++) {
    let changed = false;
    let v3Data = false;
    let k = 0;
    for (let col = 1; col <= c.width; col++) {
      const cell = cellAt(cur, i, col - 1);
      if (initial.has(col)) {
        // Neither empty nor the value the migration put there.
        if (cell.formula || (cell.value !== '' && cell.value !== initial.get(col))) v3Data = true;
        continue;
      }
      if (!changed && !sameCell(cell, cellAt(old, i, k))) changed = true;
      k++;
    }
    for (; !changed && k < c.backupWidth; k++) {
      if (!sameCell({ value: '', formula: '' }, cellAt(old, i, k))) changed = true;
    }
    if (changed) {
      out.changedRows++;
      if (out.changedSample.length < SAMPLE) out.changedSample.push(c.nextRow + i);
    }
    if (v3Data && c.nextRow + i >= c.firstDataRow) out.rowsWithV3Data++;
  }
  out.nextRow = c.nextRow + n;
  return out;
}
