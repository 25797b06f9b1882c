// A content digest of a block of rows, computed chunk by chunk so that it can be resumed
// across executions: acc(i+1) = sha256(acc(i) + serialized chunk i). Two sheets digest the
// same only with the same chunk size, so the chunk size is stored with every digest.
import { CellValue, SheetLike } from './gas';

export const DIGEST_SEED = 'sheet-migrator-digest-v1';

const CELL_SEP = '\u001f';
const ROW_SEP = '\u001e';

/** True for Date objects from any realm (the bundle runs in its own vm context in tests). */
export function isDate(v: unknown): v is Date {
  return Object.prototype.toString.call(v) === '[object Date]';
}

/**
 * One cell's canonical text. A formula cell is identified by its formula, not by its
 * cached result, so a recalculating formula (NOW(), IMPORTRANGE) does not look like a change.
 */
export function cellKey(value: CellValue, formula: string | undefined): string {
  if (formula) return 'f' + formula;
  if (isDate(value)) return 'd' + value.getTime();
  switch (typeof value) {
    case 'number':
      return 'n' + String(value);
    case 'boolean':
      return value ? 'b1' : 'b0';
    default:
      return 's' + String(value);
  }
}

export function serializeRows(values: CellValue[][], formulas: string[][] | null): string {
  const rows: string[] = new Array(values.length);
  for (let r = 0; r < values.length; r++) {
    const vr = values[r];
    const fr = formulas ? formulas[r] : undefined;
    const cells: string[] = new Array(vr.length);
    for (let c = 0; c < vr.length; c++) cells[c] = cellKey(vr[c], fr ? fr[c] : undefined);
    rows[r] = cells.join(CELL_SEP);
  }
  return rows.join(ROW_SEP);
}

export interface DigestProgress {
  nextRow: number;
  lastRow: number;
  acc: string;
}

export function startDigest(firstRow: number, lastRow: number): DigestProgress {
  return { nextRow: firstRow, lastRow, acc: DIGEST_SEED };
}

/**
 * Digests the next chunk of `chunkRows` rows (columns 1..numColumns) and returns the new
 * progress. Two reads (values, formulas) of the same block, no write.
 */
export function digestNextChunk(
  sheet: SheetLike,
  progress: DigestProgress,
  numColumns: number,
  chunkRows: number,
  sha256Hex: (text: string) => string,
): DigestProgress {
  if (progress.nextRow > progress.lastRow) return progress;
  const n = Math.min(chunkRows, progress.lastRow - progress.nextRow + 1);
  const range = sheet.getRange(progress.nextRow, 1, n, numColumns);
  const values = range.getValues();
  const formulas = range.getFormulas();
  const acc = sha256Hex(progress.acc + ROW_SEP + serializeRows(values, formulas));
  return { nextRow: progress.nextRow + n, lastRow: progress.lastRow, acc };
}

/** Whether a chunked cursor (a digest's or any other) has no rows left. */
export function isDigestDone(p: { nextRow: number; lastRow: number }): boolean {
  return p.nextRow > p.lastRow;
}

/** Digest of the whole block in one go, for callers with a small block or no time limit. */
export function digestBlock(
  sheet: SheetLike,
  lastRow: number,
  numColumns: number,
  chunkRows: number,
  sha256Hex: (text: string) => string,
): string {
  let p = startDigest(1, lastRow);
  while (!isDigestDone(p)) p = digestNextChunk(sheet, p, numColumns, chunkRows, sha256Hex);
  return p.acc;
}
