// Step 4: every data row gets its initial v3 value (version = 0), chunk by chunk: per chunk
// one read of the column, then the write, never a read after the write. Only empty cells
// are written; a value already there is counted and reported, never overwritten. The cursor
// in the checkpoint makes the step resume at the next chunk.
import { CellValue } from '../gas';
import { columnLetter } from '../preflight';
import { ChunkCursor } from '../state';
import { fail, initialValues, num, plural, progress, rowSpan, running, step } from './types';
import { NewColumn } from '../config';
import { repeatWithin, rowsPerCall, unitBudget } from '../chunking';
import { isDigestDone } from '../digest';

/** The v3 columns that get a value on every row (those whose initial value is not blank). */
export function initialisedColumns(columns: NewColumn[]): NewColumn[] {
  return columns.filter((c) => c.initialValue !== '');
}

/** Runs of consecutive indexes (0-based) where `pick` holds: [start, length][]. */
function runsOf(values: CellValue[][], pick: (v: CellValue) => boolean): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i <= values.length; i++) {
    const hit = i < values.length && pick(values[i][0]);
    if (hit && start < 0) start = i;
    if (!hit && start >= 0) {
      runs.push([start, i - start]);
      start = -1;
    }
  }
  return runs;
}

function counters(c: ChunkCursor | undefined): Record<string, number> {
  return { written: 0, alreadySet: 0, kept: 0, ...(c && c.counters ? c.counters : {}) };
}

function describe(cols: NewColumn[], first: number, lastRow: number, k: Record<string, number>): string {
  let s =
    lastRow >= first
      ? `${initialValues(cols)} on ${plural(k.written + k.alreadySet, 'row')} (${rowSpan(first, lastRow)})${k.alreadySet ? `, ${num(k.alreadySet)} of them already set` : ''}.`
      : 'No data rows; nothing to set.';
  if (k.kept) s += ` ${plural(k.kept, 'row')} already held another value, left as is.`;
  return s;
}

export const initializeVersions = step(
  'initialize_versions',
  'Set version = 0 on every row',
  (p) => {
    const L = p.layout;
    const first = p.config.headerRow + 1;
    const rows = Math.max(0, p.lastRow - first + 1);
    const chunk = p.chunkCells ? rowsPerCall(p.chunkCells, 1) : p.chunkRows;
    const position = (name: string) => {
      const present = L.v3Present.indexOf(name);
      return present >= 0 ? L.columnCountBefore + 1 + present : L.headers.length + 1 + L.v3Missing.indexOf(name);
    };
    const changes = initialisedColumns(p.config.newColumns).map(
      (c) =>
        `Set ${c.name} (column ${columnLetter(position(c.name))}) = ${JSON.stringify(c.initialValue)} on ${plural(rows, 'row')}` +
        (rows ? ` (${rowSpan(first, p.lastRow)}) where empty (other values are kept and reported), in ${plural(Math.ceil(rows / chunk), 'chunk')} of up to ${num(chunk)} rows.` : '.'),
    );
    const cursor = p.checkpoint && p.checkpoint.cursor;
    if (cursor) changes.push(`Resume at row ${num(cursor.nextRow)}.`);
    return changes;
  },
  (ctx, cp) => {
    const cols = initialisedColumns(ctx.config.newColumns);
    const first = ctx.config.headerRow + 1;
    const positions = cols.map((c) => ctx.layout.headers.lastIndexOf(c.name) + 1);
    const missing = cols.filter((c, i) => positions[i] <= ctx.layout.columnCountBefore);
    if (missing.length) {
      return fail(`${missing.map((c) => c.name).join(', ')} not found among the v3 columns at the end of the sheet`);
    }
    // Every read and write is one column wide: a run sized by cells takes that many rows at once.
    const chunkRows = ctx.chunkCells ? rowsPerCall(ctx.chunkCells, 1) : ctx.chunkRows;
    let cursor: ChunkCursor = cp.cursor || { nextRow: first, lastRow: ctx.sheet.getLastRow(), counters: counters(undefined) };
    const k = counters(cursor);
    if (cp.cursor) {
      // Rows appended since the step started get their value too: every resumed unit asks
      // (one may run through to the end), before it writes: a read after a write forces a flush.
      const lastNow = ctx.sheet.getLastRow();
      if (lastNow > cursor.lastRow) cursor = { ...cursor, lastRow: lastNow };
    }

    const chunk = (at: ChunkCursor): ChunkCursor => {
      const row = at.nextRow;
      const n = Math.min(chunkRows, at.lastRow - row + 1);
      // All reads first, then the writes.
      const blocks = positions.map((c) => ctx.sheet.getRange(row, c, n, 1).getValues());
      // Counted per row: a row is initialised when every initialised column holds its value.
      for (let r = 0; r < n; r++) {
        let anyEmpty = false;
        let anyOther = false;
        blocks.forEach((values, i) => {
          const v = values[r][0];
          if (v === '') anyEmpty = true;
          else if (v !== cols[i].initialValue) anyOther = true;
        });
        if (anyOther) k.kept++;
        else if (anyEmpty) k.written++;
        else k.alreadySet++;
      }
      blocks.forEach((values, i) => {
        const init = cols[i].initialValue;
        // One setValues for the chunk when it is all empty (the normal case); separate runs
        // only around values that must stay as they are.
        runsOf(values, (v) => v === '').forEach(([start, len]) => {
          const out: Array<Array<string | number>> = new Array(len);
          for (let j = 0; j < len; j++) out[j] = [init];
          ctx.sheet.getRange(row + start, positions[i], len, 1).setValues(out);
        });
      });
      return { nextRow: row + n, lastRow: at.lastRow, counters: k };
    };
    cursor = repeatWithin(unitBudget(ctx), cursor, chunk, isDigestDone);

    const rowsTotal = Math.max(0, cursor.lastRow - first + 1);
    const rowsDone = Math.max(0, cursor.nextRow - first);
    if (!isDigestDone(cursor)) {
      return running(progress(cols.map((c) => c.name).join(', '), rowsDone, rowsTotal), cursor, rowsDone, rowsTotal);
    }
    return {
      state: 'done',
      detail: describe(cols, first, cursor.lastRow, k),
      data: { rowsInitialized: k.written + k.alreadySet, written: k.written, alreadySet: k.alreadySet, kept: k.kept, lastRow: cursor.lastRow },
      rowsDone: rowsTotal,
      rowsTotal,
    };
  },
  (cp) => {
    const written = cp.state === 'done' && typeof cp.data?.written === 'number' ? cp.data.written : counters(cp.cursor).written;
    return written > 0 ? `the new version values were written on ${plural(written, 'row')}` : null;
  },
);
