// How much one Spreadsheet call carries, and how much one unit of a long step does.
//
// A chunk is one read or one write, sized in CELLS, not rows: a digest block of 65 columns and
// the 1-column `version` write cost the same per cell, so a row count fit for one is 65 times
// too small (or too big) for the other. The default, 200,000 cells, is the largest payload Apps
// Script handles comfortably: Google recommends at most 2 MB per Sheets request
// (developers.google.com/workspace/sheets/api/limits), and sheet data like Operaciones weighs
// about 9 bytes per cell as JSON (bench/payload.ts measures it), so 2 MB is ~225,000 cells.
//
// A unit of a long step (what one runMigrationStep call does) runs chunk after chunk while a
// third of the execution's time budget lasts: one header read and one checkpoint then serve
// many chunks, while the sidebar still hears back every few seconds.
//
// Runs started with the `chunkRows` option (tests, old runs resumed after an upgrade) keep the
// row-sized behaviour: one chunk of that many rows per unit.
import { MigrationConfig } from './config';
import { Env, SheetLike } from './gas';
import { Budget } from './rollback/budget';
import { DIGEST_SEED, DigestProgress, digestNextChunk, isDigestDone } from './digest';

export const DEFAULT_CHUNK_CELLS = 200000;

/** Rows of a block `width` columns wide that fit in one call of `cells` cells (at least 1). */
export function rowsPerCall(cells: number, width: number): number {
  return Math.max(1, Math.floor(cells / Math.max(1, width)));
}

/** Chunk sizing pinned in a new run: explicit rows, or cells (rows derived for the digest width). */
export function runChunking(requestedRows: number | null, config: Pick<MigrationConfig, 'chunkCells'>, digestWidth: number): { chunkRows: number; chunkCells?: number } {
  if (requestedRows) return { chunkRows: requestedRows };
  const chunkCells = config.chunkCells || DEFAULT_CHUNK_CELLS;
  return { chunkRows: rowsPerCall(chunkCells, digestWidth), chunkCells };
}

/**
 * The time budget of one unit of a long step, or null when the run is row-sized (one chunk
 * per unit). Measured from when the step starts its work.
 */
export function unitBudget(ctx: { env: Pick<Env, 'now'>; config: Pick<MigrationConfig, 'timeBudgetSeconds'>; chunkCells?: number }): Budget | null {
  if (!ctx.chunkCells) return null;
  return new Budget(ctx.env, (ctx.config.timeBudgetSeconds * 1000) / 3);
}

/**
 * Runs `chunk` from `p` until `done`: with a budget, while it has room for another chunk as
 * slow as the slowest so far (and at least `margin` ms), its first chunk always (Budget.fits);
 * without one, once. `after` sees each new cursor. The one chunk loop of every long piece of work.
 */
export function repeatWithin<T>(budget: Budget | null, p: T, chunk: (p: T) => T, done: (p: T) => boolean, margin = 0, after?: (p: T) => void): T {
  let first = true;
  while (!done(p) && (budget ? budget.fits(margin) : first)) {
    const from = p;
    p = budget ? budget.measure(() => chunk(from)) : chunk(from);
    first = false;
    if (after) after(p);
  }
  return p;
}

/** The chunked digest from `from` on (its `acc` absent = the start), repeated while the unit's budget lasts. */
export function digestWithin(
  budget: Budget | null,
  from: { nextRow: number; lastRow: number; acc?: string },
  sheet: SheetLike,
  columns: number,
  chunkRows: number,
  sha256Hex: (text: string) => string,
): DigestProgress {
  return repeatWithin(
    budget,
    { nextRow: from.nextRow, lastRow: from.lastRow, acc: from.acc || DIGEST_SEED },
    (p) => digestNextChunk(sheet, p, columns, chunkRows, sha256Hex),
    isDigestDone,
  );
}
