// Step 5: a smoke test against the backup. First a random sample of rows (the seed is kept
// so the draw can be repeated): their v3 cells hold the initial values and their v2.1 cells
// equal the backup's same rows. Then the digest of every v2.1 cell, chunked and resumable,
// must equal the digest recorded (and proved on the copy) when the backup was taken.
import { cellKey, DIGEST_SEED, digestNextChunk, isDigestDone } from '../digest';
import { CellValue, SheetLike } from '../gas';
import { columnLetter } from '../preflight';
import { backupFileAlive } from './createBackup';
import { initialisedColumns } from './initializeVersions';
import { repeatWithin, rowsPerCall, unitBudget } from '../chunking';
import { Step, StepOutcome, num, plural } from './types';
import { formatWhen } from '../wording';
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

/** Sorted rows grouped into ranges to read in one call each when they are close. */
export function groupRows(rows: number[], maxGap: number): Array<[number, number]> {
  const groups: Array<[number, number]> = [];
  for (const r of rows) {
    const g = groups[groups.length - 1];
    if (g && r - (g[0] + g[1] - 1) <= maxGap) g[1] = r - g[0] + 1;
    else groups.push([r, 1]);
  }
  return groups;
}

function show(v: CellValue): string {
  if (v === '') return 'empty';
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 40 ? s.slice(0, 39) + '…' : s;
}

function read(sheet: SheetLike, row: number, rows: number, cols: number): { values: CellValue[][]; formulas: string[][] } {
  const range = sheet.getRange(row, 1, rows, cols);
  return { values: range.getValues(), formulas: range.getFormulas() };
}

const GROUP_GAP = 16;

/**
 * Sorted rows grouped so that each group spans at most `maxSpan` rows: the fewest reads that
 * cover them when one read may carry `maxSpan` rows (greedy covering is optimal here).
 */
export function groupRowsWithin(rows: number[], maxSpan: number): Array<[number, number]> {
  const groups: Array<[number, number]> = [];
  for (const r of rows) {
    const g = groups[groups.length - 1];
    if (g && r - g[0] + 1 <= maxSpan) g[1] = r - g[0] + 1;
    else groups.push([r, 1]);
  }
  return groups;
}

export const testSmoke: Step = {
  id: 'test_smoke',
  title: 'Smoke test against the backup',

  plan(p) {
    const n = p.layout.columnCountBefore;
    const cols = p.config.newColumns;
    return {
      id: 'test_smoke',
      title: this.title,
      changes: [
        `Read ${p.config.smokeSampleSize} rows drawn at random (the seed goes into the report): ${cols
          .map((c) => (c.initialValue === '' ? `${c.name} empty` : `${c.name} = ${JSON.stringify(c.initialValue)}`))
          .join(', ')}, and columns A–${columnLetter(n)} equal to the backup's same rows.`,
        `Digest every v2.1 cell (rows 1–${num(p.lastRow)} × ${plural(n, 'column')}) and compare it with the backup's recorded digest. Read only.`,
      ],
    };
  },

  changed() {
    return null;
  },

  run(ctx, cp): StepOutcome {
    const backup = ctx.backup;
    const before = ctx.run.columnCountBefore === null ? ctx.layout.columnCountBefore : ctx.run.columnCountBefore;
    if (!backup) return { state: 'failed', detail: 'no backup is recorded to compare with; run "Start over" so that the backup step runs again' };
    if (backup.columnCount !== before) {
      return { state: 'failed', detail: `the backup "${backup.name}" has ${backup.columnCount} v2.1 columns, the sheet ${before}; they cannot be compared` };
    }
    const data = { ...(cp.data || {}) };
    const cursor = cp.cursor;

    if (!cursor) {
      if (!backupFileAlive(ctx.env, backup)) {
        return { state: 'failed', detail: `the backup "${backup.name}" (${backup.url}) is missing or in the trash; restore it from the Drive trash, then run again` };
      }
      const backupSheet = ctx.env.openSpreadsheetById(backup.id).getSheetByName(backup.sheetName);
      if (!backupSheet) return { state: 'failed', detail: `the backup "${backup.name}" has no "${backup.sheetName}" tab` };
      const first = ctx.config.headerRow + 1;
      const lastNow = ctx.sheet.getLastRow();
      if (lastNow < backup.lastRow) {
        return { state: 'failed', detail: `"${ctx.config.targetSheet}" has ${num(lastNow)} rows of content, the backup ${num(backup.lastRow)}: rows were removed during the migration` };
      }
      const seed = (ctx.env.now() % 4294967296) >>> 0;
      const rows = sampleRows(seed, first, backup.lastRow, ctx.config.smokeSampleSize);
      const width = ctx.layout.headers.length;
      const preexisting = String((ctx.run.steps.add_v3_columns && ctx.run.steps.add_v3_columns.data && ctx.run.steps.add_v3_columns.data.preexisting) || '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const v3 = ctx.config.newColumns.map((c) => ({
        ...c,
        column: ctx.layout.headers.lastIndexOf(c.name) + 1,
        strict: !preexisting.includes(c.name),
        initialised: initialisedColumns([c]).length === 1,
      }));
      const failures: string[] = [];
      let notes = 0;
      // A run sized by cells reads sampled rows together while the block fits in one call.
      const groups = ctx.chunkCells ? groupRowsWithin(rows, rowsPerCall(ctx.chunkCells, width)) : groupRows(rows, GROUP_GAP);
      for (const [start, count] of groups) {
        const cur = read(ctx.sheet, start, count, width);
        const bak = read(backupSheet, start, count, before);
        for (let i = 0; i < count; i++) {
          const row = start + i;
          if (!rows.includes(row)) continue;
          for (const c of v3) {
            if (c.column <= before) {
              failures.push(`${c.name} is missing`);
              continue;
            }
            const v = cur.values[i][c.column - 1];
            if (c.initialised) {
              if (v === c.initialValue) continue;
              if (v === '' || c.strict) failures.push(`row ${row}: ${c.name} is ${show(v)}, expected ${JSON.stringify(c.initialValue)}`);
              else notes++;
            } else if (v !== '') {
              if (c.strict) failures.push(`row ${row}: ${c.name} is ${show(v)}, expected empty`);
              else notes++;
            }
          }
          for (let c = 0; c < before; c++) {
            const a = cellKey(cur.values[i][c], cur.formulas[i][c]);
            const b = cellKey(bak.values[i][c], bak.formulas[i][c]);
            if (a !== b) {
              failures.push(`row ${row}, column ${columnLetter(c + 1)}: ${show(cur.formulas[i][c] || cur.values[i][c])} here, ${show(bak.formulas[i][c] || bak.values[i][c])} in the backup`);
            }
          }
        }
      }
      data.seed = seed;
      data.sampleRows = rows.join(',');
      if (failures.length) {
        return {
          state: 'failed',
          detail: `the smoke test (seed ${seed}, rows ${rows.join(', ')}) found ${plural(failures.length, 'difference')}: ${failures.slice(0, 5).join('; ')}${failures.length > 5 ? '; …' : ''}`,
          data,
        };
      }
      data.sampleNote = notes ? `${plural(notes, 'cell')} of pre-existing v3 columns hold earlier values` : '';
      ctx.log.info('test_smoke', `Sample of ${plural(rows.length, 'row')} (seed ${seed}: ${rows.join(', ')}) matches the backup; digest of the v2.1 columns next.`);
      return {
        state: 'running',
        detail: `${plural(rows.length, 'sampled row')} (seed ${seed}) match the backup; comparing the digest of every v2.1 cell next.`,
        cursor: { phase: 'digest', nextRow: 1, lastRow: backup.lastRow, acc: DIGEST_SEED },
        data,
        rowsDone: 0,
        rowsTotal: backup.lastRow,
      };
    }

    // The digest follows the backup's chunk size (the digest depends on it); a run sized by
    // cells reads chunk after chunk while the unit's budget lasts.
    const p = repeatWithin(
      unitBudget(ctx),
      { nextRow: cursor.nextRow, lastRow: cursor.lastRow, acc: cursor.acc || DIGEST_SEED },
      (from) => digestNextChunk(ctx.sheet, from, before, backup.chunkRows, ctx.env.sha256Hex),
      (at) => !isDigestDone(at),
    );
    if (!isDigestDone(p)) {
      return {
        state: 'running',
        detail: `Comparing every v2.1 cell with the backup: ${num(p.nextRow - 1)} of ${num(p.lastRow)} rows.`,
        cursor: { phase: 'digest', nextRow: p.nextRow, lastRow: p.lastRow, acc: p.acc },
        data,
        rowsDone: p.nextRow - 1,
        rowsTotal: p.lastRow,
      };
    }
    if (p.acc !== backup.digest) {
      return {
        state: 'failed',
        detail:
          `the v2.1 columns of "${ctx.config.targetSheet}" no longer equal the backup "${backup.name}" taken ${formatWhen(ctx.env, backup.createdAt)} (their digests differ), although the sampled rows matched: ` +
          `some v2.1 cell was changed during the migration, or the backup was edited. Nothing is lost: the backup holds the v2.1 original. Run "Verify migration" to see more, then roll back or run again`,
        data,
      };
    }
    const rows = String(data.sampleRows || '');
    return {
      state: 'done',
      detail:
        `${plural(rows ? rows.split(',').length : 0, 'random row')} (seed ${data.seed}) checked: ${ctx.config.newColumns
          .map((c) => (c.initialValue === '' ? `${c.name} empty` : `${c.name} = ${JSON.stringify(c.initialValue)}`))
          .join(', ')}, v2.1 cells equal the backup's. The digest of all v2.1 cells (${plural(backup.lastRow, 'row')} × ${plural(before, 'column')}) equals the backup's.` +
        (data.sampleNote ? ` Note: ${data.sampleNote}.` : ''),
      data,
      rowsDone: p.lastRow,
      rowsTotal: p.lastRow,
    };
  },
};
