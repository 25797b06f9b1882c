// Snapshots of emulator state for the migration tests: every sheet's cells and formulas,
// every Drive file, every document property. Read outside executions, so they cost nothing
// and change nothing.
import type { Emulator } from '../../emulator';

export interface SheetSnapshot {
  name: string;
  id: number;
  maxRows: number;
  maxColumns: number;
  /** Values as JSON text (Dates become ISO strings), formulas where present. */
  values: unknown[][];
  formulas: string[][];
  protections: string[];
}

type AnySheet = {
  getName(): string;
  getLastRow(): number;
  getSheetId(): number;
  getMaxRows(): number;
  getMaxColumns(): number;
  getRange(r: number, c: number, nr: number, nc: number): { getValues(): unknown[][]; getFormulas(): string[][] };
  getProtections(type: string): Array<{ getDescription(): string }>;
};

/** Cells of rows 1..last row with content (below it everything is empty), all grid columns. */
export function sheetSnapshot(sheet: AnySheet, columns?: number): SheetSnapshot {
  const maxRows = sheet.getMaxRows();
  const maxColumns = sheet.getMaxColumns();
  const nc = columns ?? maxColumns;
  const range = sheet.getRange(1, 1, Math.max(1, sheet.getLastRow()), nc);
  return {
    name: sheet.getName(),
    id: sheet.getSheetId(),
    maxRows,
    maxColumns,
    values: JSON.parse(JSON.stringify(range.getValues())),
    formulas: range.getFormulas(),
    protections: sheet.getProtections('SHEET').map((p) => p.getDescription()),
  };
}

export function bookSnapshot(emu: Emulator, id: string): SheetSnapshot[] {
  const ss = emu.getSpreadsheet(id);
  if (!ss) throw new Error(`no spreadsheet ${id}`);
  return (ss.getSheets() as unknown as AnySheet[]).map((s) => sheetSnapshot(s));
}

export function operaciones(emu: Emulator, id: string): AnySheet {
  const ss = emu.getSpreadsheet(id);
  const sheet = ss && ss.getSheetByName('Operaciones');
  if (!sheet) throw new Error('no Operaciones');
  return sheet as unknown as AnySheet;
}

export function docProps(emu: Emulator): Record<string, string> {
  const g = emu.globals() as { PropertiesService: { getDocumentProperties(): { getProperties(): Record<string, string> } } };
  return g.PropertiesService.getDocumentProperties().getProperties();
}

/** Without Sheet Migrator's persisted log (sm.log.head, sm.log.1, …): it grows on every call, a refusal included. */
export function withoutLog(props: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith('sm.log.')));
}

export function setDocProp(emu: Emulator, key: string, value: string): void {
  const g = emu.globals() as { PropertiesService: { getDocumentProperties(): { setProperty(k: string, v: string): void } } };
  g.PropertiesService.getDocumentProperties().setProperty(key, value);
}

export interface FileSnapshot {
  id: string;
  name: string;
  trashed: boolean;
  book: SheetSnapshot[] | null;
}

export function driveSnapshot(emu: Emulator): FileSnapshot[] {
  return emu.files().map((f) => ({
    id: f.getId(),
    name: f.getName(),
    trashed: f.isTrashed(),
    book: emu.getSpreadsheet(f.getId()) ? bookSnapshot(emu, f.getId()) : null,
  }));
}

/** Everything a migration could change: files (with their cells) and document properties. */
export function fullState(emu: Emulator): { files: FileSnapshot[]; props: Record<string, string> } {
  return { files: driveSnapshot(emu), props: docProps(emu) };
}

export function json<T = any>(props: Record<string, string>, key: string): T | null {
  return props[key] ? (JSON.parse(props[key]) as T) : null;
}
