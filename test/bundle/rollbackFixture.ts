// Shared set-up of the verify and rollback tests: a sample workbook migrated by the real
// bundle (runMigration), and exact images of sheets, files and properties to compare
// before/after, taken outside any execution so that they cost and count nothing.
import { createEmulator, createSampleWorkbook, Emulator, EmuSpreadsheet, SampleWorkbookOptions } from '../../emulator';
import { Bundle, loadBundle, migrateToEnd } from '../helpers/bundle';
import { docProps } from '../helpers/workbookState';

export const TARGET = 'Operaciones';

export interface World {
  emu: Emulator;
  b: Bundle;
  ss: EmuSpreadsheet;
  /** Workbook image before the migration: the v2.1 original. */
  original: WorkbookImage;
}

export function sampleWorld(opts: SampleWorkbookOptions = {}): World {
  const emu = createEmulator();
  const ss = createSampleWorkbook(emu, { rows: 12, ...opts });
  // Formulas (one reading another tab) and a custom number format, so that "cell for cell"
  // covers more than plain values even in a small sample.
  const sheet = ss.getSheetByName(TARGET)!;
  sheet.getRange(3, 64).setFormulas([['=SUM(BH3:BK3)']]);
  sheet.getRange(4, 19).setFormulas([["=Trabajadores!B2&\" \"&Trabajadores!C2"]]);
  sheet.getRange(5, 26).setNumberFormats([['#,##0.00 "kg"']]);
  const b = loadBundle(emu);
  return { emu, b, ss, original: workbookImage(emu, ss.getId()) };
}

/** A sample workbook migrated to v3 by the bundle's runMigration. */
export function migratedWorld(opts: SampleWorkbookOptions = {}, run: { chunkRows?: number } = {}): World {
  const w = sampleWorld(opts);
  migrateFully(w.b, run);
  return w;
}

/** runMigration until complete: a big sheet or small chunks take several executions. */
export function migrateFully(b: Bundle, run: { chunkRows?: number } = {}, max = 50): void {
  migrateToEnd(b, run, max);
}

/** Runs runMigrationStep until `step` is done: a partial migration that stops right there. */
export function migrateThrough(b: Bundle, step: string, max = 50): void {
  for (let i = 0; i < max; i++) {
    const r = b.call('runMigrationStep', {});
    if (!r.ok) throw new Error(`migration step failed: ${r.message}`);
    if (r.status.steps.find((s: any) => s.id === step)?.state === 'done') return;
  }
  throw new Error(`step ${step} not done after ${max} units`);
}

type CellImage = string | number | boolean | { date: number };

export interface SheetImage {
  name: string;
  sheetId: number;
  maxRows: number;
  maxColumns: number;
  values: CellImage[][];
  formulas: string[][];
  formats: string[][];
}

export type WorkbookImage = SheetImage[];

export function sheetImage(emu: Emulator, ssId: string, name: string): SheetImage {
  const ss = emu.getSpreadsheet(ssId);
  if (!ss) throw new Error(`no spreadsheet ${ssId}`);
  const sheet = ss.getSheetByName(name);
  if (!sheet) throw new Error(`no sheet ${name} in ${ss.getName()}`);
  return imageOf(sheet);
}

export function workbookImage(emu: Emulator, ssId: string): WorkbookImage {
  const ss = emu.getSpreadsheet(ssId);
  if (!ss) throw new Error(`no spreadsheet ${ssId}`);
  return ss.getSheets().map(imageOf);
}

function imageOf(sheet: any): SheetImage {
  const range = sheet.getRange(1, 1, sheet.getMaxRows(), sheet.getMaxColumns());
  return {
    name: sheet.getName(),
    sheetId: sheet.getSheetId(),
    maxRows: sheet.getMaxRows(),
    maxColumns: sheet.getMaxColumns(),
    values: range.getValues().map((row: unknown[]) => row.map(cellImage)),
    formulas: range.getFormulas(),
    formats: range.getNumberFormats(),
  };
}

function cellImage(v: unknown): CellImage {
  if (Object.prototype.toString.call(v) === '[object Date]') return { date: (v as Date).getTime() };
  return v as CellImage;
}

/** Drive as a list of (id, name, trashed), in creation order. */
export function driveImage(emu: Emulator): Array<{ id: string; name: string; trashed: boolean }> {
  return emu.files().map((f) => ({ id: f.getId(), name: f.getName(), trashed: f.isTrashed() }));
}

/** Everything a rollback or a verify could change. */
export function worldImage(emu: Emulator, ssId: string) {
  return {
    props: docProps(emu),
    drive: driveImage(emu),
    files: emu.files().filter((f) => emu.getSpreadsheet(f.getId())).map((f) => workbookImage(emu, f.getId())),
  };
}

export function backupRecord(emu: Emulator): any {
  const raw = docProps(emu)['sm.backup'];
  return raw ? JSON.parse(raw) : null;
}

export function history(emu: Emulator): any[] {
  const raw = docProps(emu)['sm.history'];
  return raw ? JSON.parse(raw).entries : [];
}

/** Sets cells outside any execution (a person editing the sheet). */
export function edit(emu: Emulator, ssId: string, sheetName: string, a1: string, values: unknown[][]): void {
  const sheet = emu.getSpreadsheet(ssId)!.getSheetByName(sheetName)!;
  sheet.getRange(a1).setValues(values as any);
}

/** 1-based column of a header in the sheet's first row. */
export function columnOf(emu: Emulator, ssId: string, sheetName: string, header: string): number {
  const sheet = emu.getSpreadsheet(ssId)!.getSheetByName(sheetName)!;
  const headers = sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues()[0].map(String);
  const i = headers.indexOf(header);
  if (i < 0) throw new Error(`no header ${header}`);
  return i + 1;
}

/** Runs rollbackMigration({confirm: true}) until complete (or a bound), returning the last report. */
export function rollBackFully(b: Bundle, max = 20): any {
  let r: any = null;
  for (let i = 0; i < max; i++) {
    r = b.call('rollbackMigration', { confirm: true });
    if (!r.ok || r.complete !== false) return r;
  }
  throw new Error(`rollback not complete after ${max} calls: ${JSON.stringify(r)}`);
}
