// A spreadsheet's data: its sheets, time zone and locale, and the workbook-wide rules (the 10M
// cell limit, formula references that follow structural edits and renames).
import { EMU_ERRORS } from '../errors';
import { renameSheetRefs, shiftForStructure } from './formulaRefs';
import { SheetModel } from './sheetModel';

export const CELL_LIMIT = 10_000_000;
export const MAX_COLUMNS = 18_278;

export class SpreadsheetModel {
  sheets: SheetModel[] = [];
  /** Index into `sheets` of the active sheet (the last one inserted or activated). */
  activeIndex = 0;

  constructor(public timeZone: string, public locale: string) {}

  totalCells(): number {
    let n = 0;
    for (const s of this.sheets) if (!s.deleted) n += s.cellCount();
    return n;
  }

  /** Throws Sheets' text when adding `extraCells` would take the workbook past 10M cells. */
  assertRoomFor(extraCells: number, error: (m: string) => Error): void {
    if (this.totalCells() + extraCells > CELL_LIMIT) throw error(EMU_ERRORS.cellLimit);
  }

  sheetByName(name: string): SheetModel | undefined {
    return this.sheets.find((s) => s.name === name);
  }

  sheetById(id: number): SheetModel | undefined {
    return this.sheets.find((s) => s.id === id);
  }

  /** A sheet id not used in this spreadsheet. Sheet ids are random 31-bit integers in Sheets. */
  newSheetId(random: () => number): number {
    for (;;) {
      const id = 1 + Math.floor(random() * 2_147_483_646);
      if (!this.sheetById(id)) return id;
    }
  }

  /** Inserted (count > 0) or deleted (count < 0) rows/columns; formulas everywhere follow. */
  structureChanged(sheet: SheetModel, dim: 'row' | 'col', at: number, count: number): void {
    for (const s of this.sheets) s.forEachFormula((f) => shiftForStructure(f, s.name, sheet.name, dim, at, count));
  }

  renamed(oldName: string, newName: string): void {
    for (const s of this.sheets) s.forEachFormula((f) => renameSheetRefs(f, oldName, newName));
  }

  /** A deep copy. Sheet ids are kept: a copied file keeps its tabs' gids (see README). */
  clone(): SpreadsheetModel {
    const copy = new SpreadsheetModel(this.timeZone, this.locale);
    copy.sheets = this.sheets.map((s) => {
      const c = s.clone(s.id, s.name);
      c.protections = s.protections.map((p) => ({ ...p, sheet: c, editors: new Set(p.editors), box: p.box ? { ...p.box } : undefined }));
      return c;
    });
    copy.activeIndex = this.activeIndex;
    return copy;
  }
}
