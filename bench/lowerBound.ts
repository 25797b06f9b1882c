// The fewest Spreadsheet-service calls each migration step could possibly make, as issue 6
// defines it: read the header once, insert the columns once, write the headers once, one
// setValues per chunk of the largest payload Apps Script accepts comfortably, and each cell of
// a digest read once per side. Counted in calls of the kinds the product's "data" calls are
// (bench/meter.ts DATA_CALLS), so the two can be compared one to one.
//
// Choices made where the issue leaves room (each is also written up in RESULTS.md):
// * The header is read once per STEP, not once per migration: every step must find its columns
//   by header name (the product's rule), and a step may run in a later execution than the last.
// * "Reading a cell" for a digest means its value AND its formula: the digest identifies a
//   formula cell by its formula (digest.ts), and SpreadsheetApp has no call returning both
//   (getValues gives computed values, getFormulas '' for constants). So one read of a block is
//   getValues + getFormulas: 2 calls per block per side.
// * The smoke test's sampled rows are read once per side too (values + formulas), in as few
//   reads as the payload allows: rows close enough to share one payload-sized block count as
//   one read (greedy covering, which is optimal). The current side is read full width (the
//   v3 cells are checked too), the backup side v2.1 columns only.
// * The backup copy is one call (Spreadsheet.copy); opening the copy is a lookup, not data.
import { PAYLOAD_CELLS } from './payload';

export interface BoundInput {
  /** Last row with content, header included (rows 1..lastRow are digested). */
  lastRow: number;
  /** v2.1 columns (the digest's width). */
  columnsBefore: number;
  /** Columns the migration adds. */
  columnsAdded: number;
  /** Rows that receive an initial value (data rows). */
  dataRows: number;
  /** How many columns get a value on every row (version: 1). */
  initialisedColumns: number;
  /** Rows the smoke test samples. */
  sampleRows: number;
  /** The rows it actually drew (1-based), when known; else the worst case (none share a read). */
  sampledRows?: number[];
  /** Cells per call; default PAYLOAD_CELLS. */
  payloadCells?: number;
}

export interface StepBound {
  calls: number;
  parts: Record<string, number>;
}

export type MigrationStepId = 'create_backup' | 'add_v3_columns' | 'verify_schema' | 'initialize_versions' | 'test_smoke';

/** Calls of `perCall`-cell payloads needed to cover `rows` rows `width` columns wide. */
export function blockReads(rows: number, width: number, payloadCells: number): number {
  if (rows <= 0 || width <= 0) return 0;
  const rowsPerCall = Math.max(1, Math.floor(payloadCells / width));
  return Math.ceil(rows / rowsPerCall);
}

/** Reads (calls) that cover sorted `rows` when one call carries at most `maxSpan` rows. */
export function coveringReads(rows: number[], maxSpan: number): number {
  let groups = 0;
  let start = -Infinity;
  for (const r of rows.slice().sort((a, c) => a - c)) {
    if (r - start + 1 > maxSpan) {
      groups++;
      start = r;
    }
  }
  return groups;
}

export function lowerBound(b: BoundInput): Record<MigrationStepId, StepBound> {
  const p = b.payloadCells ?? PAYLOAD_CELLS;
  const digestOneSide = 2 * blockReads(b.lastRow, b.columnsBefore, p);
  const writes = blockReads(b.dataRows, b.initialisedColumns, p) * (b.initialisedColumns > 0 ? 1 : 0);
  const sampleReads = b.sampledRows
    ? 2 * coveringReads(b.sampledRows, Math.max(1, Math.floor(p / (b.columnsBefore + b.columnsAdded)))) + 2 * coveringReads(b.sampledRows, Math.max(1, Math.floor(p / b.columnsBefore)))
    : 2 * 2 * Math.min(b.sampleRows, Math.max(0, b.dataRows));
  const steps: Record<MigrationStepId, Record<string, number>> = {
    create_backup: { headerRead: 1, digestSource: digestOneSide, copy: 1, digestCopy: digestOneSide },
    add_v3_columns: { headerRead: 1, insertColumns: 1, writeHeaders: 1 },
    verify_schema: { headerRead: 1 },
    initialize_versions: { headerRead: 1, setValues: writes },
    test_smoke: { headerRead: 1, sampleBothSides: sampleReads, digestCurrent: digestOneSide },
  };
  const out = {} as Record<MigrationStepId, StepBound>;
  for (const [id, parts] of Object.entries(steps) as Array<[MigrationStepId, Record<string, number>]>) {
    out[id] = { calls: Object.values(parts).reduce((a, n) => a + n, 0), parts };
  }
  return out;
}
