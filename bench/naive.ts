// The naive baseline of issue 6, written the way a first Apps Script attempt would be: the
// backup is a plain copy, the columns are appended, and `version` is written row by row with
// setValue while the loop asks getLastRow on every turn. It exists only here, to price the
// product against; it runs against the emulator's globals directly (no bundle, no checks).
import type { Emulator } from '../emulator';

export interface NaiveResult {
  /** Rows that got version = 0. */
  rows: number;
  /** Modelled seconds of the row-by-row version loop alone (like for like with initialize_versions). */
  loopSeconds: number;
  /** Modelled seconds of the whole naive migration (copy + columns + loop). */
  migrationSeconds: number;
  /** Calls the naive migration made, by name. */
  calls: Record<string, number>;
  /** Executions of 6 minutes the naive migration would need (it has no way to resume). */
  sixMinuteExecutions: number;
}

interface GasGlobals {
  SpreadsheetApp: any;
}

/**
 * Runs the naive migration on the active spreadsheet of `emu`. The whole job is one emulated
 * execution with the 6-minute limit lifted (the naive script would die at 6 minutes; what is
 * priced here is the work, not its failure), optionally stopping after `maxRows` rows.
 */
export function runNaive(emu: Emulator, opts: { sheetName?: string; newColumns?: string[]; maxRows?: number } = {}): NaiveResult {
  const sheetName = opts.sheetName ?? 'Operaciones';
  const newColumns = opts.newColumns ?? ['Ocupado_Por', 'Fecha_Ocupacion', 'version'];
  const before = emu.stats.modelledMs;
  const callsBefore = { ...emu.stats.calls };
  let loopStart = 0;
  let rows = 0;
  emu.runExecution(
    () => {
      const g = emu.globals() as unknown as GasGlobals;
      const ss = g.SpreadsheetApp.getActiveSpreadsheet();
      ss.copy(ss.getName() + ' backup');
      const sheet = ss.getSheetByName(sheetName);
      const lastColumn = sheet.getLastColumn();
      sheet.insertColumnsAfter(lastColumn, newColumns.length);
      sheet.getRange(1, lastColumn + 1, 1, newColumns.length).setValues([newColumns]);
      const headers: unknown[] = sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues()[0];
      const versionColumn = headers.indexOf('version') + 1;
      loopStart = emu.stats.modelledMs;
      for (let r = 2; r <= sheet.getLastRow(); r++) {
        if (opts.maxRows !== undefined && rows >= opts.maxRows) break;
        sheet.getRange(r, versionColumn).setValue(0);
        rows++;
      }
    },
    { limitSeconds: Number.MAX_SAFE_INTEGER / 1000 },
  );
  const end = emu.stats.modelledMs;
  const calls: Record<string, number> = {};
  for (const [k, n] of Object.entries(emu.stats.calls)) {
    const d = n - (callsBefore[k] || 0);
    if (d) calls[k] = d;
  }
  const migrationSeconds = (end - before) / 1000;
  return {
    rows,
    loopSeconds: (end - loopStart) / 1000,
    migrationSeconds,
    calls,
    sixMinuteExecutions: Math.ceil(migrationSeconds / 360),
  };
}
