// Cell-level comparison of the target sheet with the v2.1 backup, shared by verify's spot check
// and rollback's count of what changed since the migration.
import { CellValue } from '../gas';
import { cellKey, isDate } from '../digest';
import { columnLetter } from '../preflight';

export interface RowBlock {
  values: CellValue[][];
  formulas: string[][];
}

export function cellAt(block: RowBlock, r: number, c: number): { value: CellValue; formula: string } {
  const vr = block.values[r];
  if (!vr || c >= vr.length) return { value: '', formula: '' };
  return { value: vr[c], formula: (block.formulas[r] && block.formulas[r][c]) || '' };
}

/** Same canonical form as the digest: formulas by formula text, dates by time. */
export function sameCell(a: { value: CellValue; formula: string }, b: { value: CellValue; formula: string }): boolean {
  return cellKey(a.value, a.formula || undefined) === cellKey(b.value, b.formula || undefined);
}

export function showCell(cell: { value: CellValue; formula: string }): string {
  const text = cell.formula ? cell.formula : isDate(cell.value) ? cell.value.toISOString() : String(cell.value);
  const shown = text.length > 40 ? text.slice(0, 39) + '…' : text;
  return cell.value === '' && !cell.formula ? '(empty)' : JSON.stringify(shown);
}

/** `row 17, column S ("Notas"): backup "a", now "b"` */
export function describeDifference(
  row: number,
  column: number,
  header: string,
  backup: { value: CellValue; formula: string },
  now: { value: CellValue; formula: string },
): string {
  return `row ${row}, column ${columnLetter(column)} (${JSON.stringify(header)}): backup ${showCell(backup)}, now ${showCell(now)}`;
}
