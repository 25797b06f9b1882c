// Step 5: a smoke test against the backup. First a random sample of rows (the seed is kept
// so the draw can be repeated): their v3 cells hold the initial values and their v2.1 cells
// equal the backup's same rows. Then the digest of every v2.1 cell, chunked and resumable,
// must equal the digest recorded (and proved on the copy) when the backup was taken.
// The sampling and the row comparison are shared with verify.
import { isDigestDone, startDigest } from '../digest';
import { SheetLike } from '../gas';
import { columnLetter } from '../preflight';
import { cellAt, describeDifference, RowBlock, sameCell, showCell } from '../rollback/compare';
import { backupFileState } from './createBackup';
import { digestWithin, rowsPerCall, unitBudget } from '../chunking';
import { columnsBefore, fail, initialValues, num, plural, progress, running, step } from './types';
import { mulberry32 } from '../random';

/** `count` distinct rows from first..last, drawn with `seed`, sorted. */
export function sampleRows(seed: number, first: number, last: number, count: number): number[] {
  const span = last - first + 1;
  if (span <= 0) return [];
  if (count >= span) return Array.from({ length: span }, (_, i) => first + i);
  const rnd = mulberry32(seed);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(first + Math.floor(rnd() * span));
  return Array.from(picked).sort((a, b) => a - b);
}

/**
 * Sorted rows grouped into ranges to read in one call each: rows at most `n` apart, or with
 * `span`, groups of at most `n` rows (the fewest reads when one read may carry `n` rows).
 */
export function groupRows(rows: number[], n: number, span?: boolean): Array<[number, number]> {
  const groups: Array<[number, number]> = [];
  for (const r of rows) {
    const g = groups[groups.length - 1];
    if (g && r - (span ? g[0] - 1 : g[0] + g[1] - 1) <= n) g[1] = r - g[0] + 1;
    else groups.push([r, 1]);
  }
  return groups;
}

/** Values and formulas of the given rows (ascending), columns 1..width; rows close together share one read. */
export function readRows(sheet: SheetLike, rows: number[], width: number, groups = groupRows(rows, 16)): RowBlock {
  const values: RowBlock['values'] = [];
  const formulas: RowBlock['formulas'] = [];
  for (const [first, count] of groups) {
    const range = sheet.getRange(first, 1, count, width);
    const v = range.getValues();
    const f = range.getFormulas();
    for (const r of rows) {
      if (r < first || r >= first + count) continue;
      values.push(v[r - first]);
      formulas.push(f[r - first]);
    }
  }
  return { values, formulas };
}

/** Each cell of columns 1..width that differs between two blocks of the same rows, described. */
export function diffRows(rows: number[], now: RowBlock, backup: RowBlock, width: number, headers: unknown[]): string[] {
  const out: string[] = [];
  rows.forEach((row, r) => {
    for (let c = 0; c < width; c++) {
      const a = cellAt(backup, r, c);
      const b = cellAt(now, r, c);
      if (!sameCell(a, b)) out.push(describeDifference(row, c + 1, String(headers[c] ?? ''), a, b));
    }
  });
  return out;
}

export function firstFive(list: string[]): string {
  return list.slice(0, 5).join('; ') + (list.length > 5 ? '; …' : '');
}

export const testSmoke = step(
  'test_smoke',
  'Smoke test against the backup',
  (p) => {
    const n = p.layout.columnCountBefore;
    return [
      `Check ${p.config.smokeSampleSize} random rows (seed reported): ${initialValues(p.config.newColumns)}, columns A–${columnLetter(n)} equal to the backup.`,
      `Compare the digest of every v2.1 cell (rows 1–${num(p.lastRow)} × ${plural(n, 'column')}) with the backup's. Read only.`,
    ];
  },
  (ctx, cp) => {
    const { env, config, sheet, backup } = ctx;
    const before = columnsBefore(ctx);
    if (!backup) return fail('no backup is recorded; use "Start over" so that the backup step runs again');
    if (backup.columnCount !== before) return fail(`the backup "${backup.name}" has ${backup.columnCount} v2.1 columns, the sheet ${before}: they cannot be compared`);
    const data = { ...cp.data };
    const cursor = cp.cursor;

    if (!cursor) {
      if (backupFileState(env, backup)) return fail(`the backup "${backup.name}" (${backup.url}) is missing or in the trash; restore it from the Drive trash`);
      const backupSheet = env.openSpreadsheetById(backup.id).getSheetByName(backup.sheetName);
      if (!backupSheet) return fail(`the backup "${backup.name}" has no "${backup.sheetName}" tab`);
      const lastNow = sheet.getLastRow();
      if (lastNow < backup.lastRow) {
        return fail(`"${config.targetSheet}" has ${num(lastNow)} rows of content, the backup ${num(backup.lastRow)}: rows were removed during the migration`);
      }
      const seed = (env.now() % 4294967296) >>> 0;
      const rows = sampleRows(seed, config.headerRow + 1, backup.lastRow, config.smokeSampleSize);
      const headers = ctx.layout.headers;
      const width = headers.length;
      // A run sized by cells reads sampled rows together while the block fits in one call.
      const groups = ctx.chunkCells ? groupRows(rows, rowsPerCall(ctx.chunkCells, width), true) : undefined;
      const cur = readRows(sheet, rows, width, groups);
      const bak = readRows(backupSheet, rows, before, groups);
      // v3 columns that were there before the migration may hold earlier values: noted, not failed.
      const preexisting = String(ctx.run.steps.add_v3_columns?.data?.preexisting || '').split(',').map((s) => s.trim());
      const failures: string[] = [];
      let notes = 0;
      rows.forEach((row, i) => {
        for (const c of config.newColumns) {
          const at = headers.lastIndexOf(c.name);
          const cell = cellAt(cur, i, at);
          if (at < before) failures.push(`${c.name} is missing`);
          else if (cell.value !== c.initialValue) {
            if (cell.value === '' || !preexisting.includes(c.name)) failures.push(`row ${row}: ${c.name} is ${showCell(cell)}, expected ${JSON.stringify(c.initialValue)}`);
            else notes++;
          }
        }
      });
      const diffs = failures.concat(diffRows(rows, cur, bak, before, headers));
      data.seed = seed;
      data.sampleRows = rows.join(',');
      if (diffs.length) return fail(`the smoke test (seed ${seed}) found ${plural(diffs.length, 'difference')}: ${firstFive(diffs)}`, data);
      data.sampleNote = notes ? `${plural(notes, 'cell')} of pre-existing v3 columns hold earlier values` : '';
      const matched = `${plural(rows.length, 'sampled row')} (seed ${seed}) match the backup`;
      ctx.log.info('test_smoke', `${matched}: rows ${rows.join(', ')}.`);
      return running(`${matched}; the digest of every v2.1 cell next.`, { phase: 'digest', ...startDigest(1, backup.lastRow) }, 0, backup.lastRow, data);
    }

    // The digest follows the backup's chunk size (the digest depends on it).
    const p = digestWithin(unitBudget(ctx), cursor, sheet, before, backup.chunkRows, env.sha256Hex);
    if (!isDigestDone(p)) return running(progress('Comparing every v2.1 cell with the backup', p.nextRow - 1, p.lastRow), { phase: 'digest', ...p }, p.nextRow - 1, p.lastRow, data);
    if (p.acc !== backup.digest) {
      return fail(
        `the v2.1 columns of "${config.targetSheet}" no longer equal the backup "${backup.name}" (their digests differ), although the sampled rows matched: ` +
          'a v2.1 cell was changed during the migration, or the backup was edited. Run "Verify migration" for details, then roll back or run again',
        data,
      );
    }
    const rows = String(data.sampleRows || '');
    return {
      state: 'done',
      detail:
        `${plural(rows ? rows.split(',').length : 0, 'random row')} (seed ${data.seed}) checked: ${initialValues(config.newColumns)}, v2.1 cells equal the backup's; ` +
        `the digest of all v2.1 cells (${plural(backup.lastRow, 'row')} × ${plural(before, 'column')}) equals the backup's.` +
        (data.sampleNote ? ` Note: ${data.sampleNote}.` : ''),
      data,
      rowsDone: p.lastRow,
      rowsTotal: p.lastRow,
    };
  },
);
