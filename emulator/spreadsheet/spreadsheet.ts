// Spreadsheet: a Drive file with sheets. Its name and owner live on the Drive record, so that
// DriveApp and SpreadsheetApp always agree.
import type { SpreadsheetLike } from '../../src/core/gas';
import { EmuContext } from '../context';
import { COST_MODEL, cellCost } from '../costModel';
import { FileRecord } from '../drive/driveModel';
import { EMU_ERRORS, SCOPES } from '../errors';
import { enumKey, strictBase } from '../strict';
import { EmuUser, seenUser } from '../user';
import { parseA1 } from './a1';
import { EmuProtection, ProtectionType } from './protection';
import { EmuRange } from './range';
import { assertEditable, BookEnv, sheetsCall } from './shared';
import { EmuSheet } from './sheet';
import { SheetModel } from './sheetModel';
import { SpreadsheetModel } from './spreadsheetModel';
import { typeName } from './values';

export const DEFAULT_ROWS = 1000;
export const DEFAULT_COLUMNS = 26;

export class EmuSpreadsheet extends strictBase('Spreadsheet') implements SpreadsheetLike {
  readonly env: BookEnv;

  constructor(ctx: EmuContext, file: FileRecord) {
    super();
    if (!file.spreadsheet) throw new Error(`emulator: file ${file.id} is not a spreadsheet`);
    this.env = { ctx, file, book: file.spreadsheet };
  }

  private get rt() { return this.env.ctx.rt; }
  private get book(): SpreadsheetModel { return this.env.book; }

  private call<T>(method: string, cost: number, mutating: boolean, fn: () => T): T {
    return sheetsCall(this.env, `Spreadsheet.${method}`, cost, mutating, fn);
  }

  /** A handle on one of this spreadsheet's sheets. */
  sheetHandle(model: SheetModel): EmuSheet { return new EmuSheet(this.env, model, this); }

  getId(): string { return this.call('getId', COST_MODEL.localCallMs, false, () => this.env.file.id); }
  getName(): string { return this.call('getName', COST_MODEL.sheetRoundTripMs, false, () => this.env.file.name); }
  getUrl(): string { return this.call('getUrl', COST_MODEL.localCallMs, false, () => `https://docs.google.com/spreadsheets/d/${this.env.file.id}/edit`); }
  rename(newName: string): void {
    this.call('rename', COST_MODEL.sheetStructureMs, true, () => { this.env.file.name = String(newName); });
  }
  getOwner(): EmuUser | null {
    return this.call('getOwner', COST_MODEL.driveReadMs, false, () => (this.env.file.owner === null ? null : seenUser(this.rt, this.env.file.owner)));
  }
  getSpreadsheetTimeZone(): string { return this.call('getSpreadsheetTimeZone', COST_MODEL.sheetRoundTripMs, false, () => this.book.timeZone); }
  setSpreadsheetTimeZone(timezone: string): void { this.call('setSpreadsheetTimeZone', COST_MODEL.sheetRoundTripMs, true, () => { this.book.timeZone = String(timezone); }); }
  getSpreadsheetLocale(): string { return this.call('getSpreadsheetLocale', COST_MODEL.sheetRoundTripMs, false, () => this.book.locale); }
  setSpreadsheetLocale(locale: string): void { this.call('setSpreadsheetLocale', COST_MODEL.sheetRoundTripMs, true, () => { this.book.locale = String(locale); }); }

  // --- sheets ---------------------------------------------------------------------------
  getSheets(): EmuSheet[] { return this.call('getSheets', COST_MODEL.sheetRoundTripMs, false, () => this.book.sheets.map((s) => this.sheetHandle(s))); }
  getNumSheets(): number { return this.call('getNumSheets', COST_MODEL.sheetRoundTripMs, false, () => this.book.sheets.length); }
  getSheetByName(name: string): EmuSheet | null {
    return this.call('getSheetByName', COST_MODEL.sheetRoundTripMs, false, () => {
      const s = this.book.sheetByName(String(name));
      return s ? this.sheetHandle(s) : null;
    });
  }
  getSheetById(id: number): EmuSheet | null {
    return this.call('getSheetById', COST_MODEL.sheetRoundTripMs, false, () => {
      const s = this.book.sheetById(Number(id));
      return s ? this.sheetHandle(s) : null;
    });
  }
  getActiveSheet(): EmuSheet {
    return this.call('getActiveSheet', COST_MODEL.sheetRoundTripMs, false, () => this.sheetHandle(this.book.sheets[this.book.activeIndex] ?? this.book.sheets[0]));
  }
  setActiveSheet(sheet: EmuSheet): EmuSheet {
    return this.call('setActiveSheet', COST_MODEL.sheetRoundTripMs, false, () => {
      this.book.activeIndex = Math.max(0, this.book.sheets.indexOf(sheet.model));
      return sheet;
    });
  }

  /** insertSheet(), (index), (name), (name, index), with an optional { template } last. */
  insertSheet(...args: unknown[]): EmuSheet {
    return this.call('insertSheet', COST_MODEL.sheetStructureMs, true, () => {
      let name: string | undefined;
      let index: number | undefined;
      let template: EmuSheet | undefined;
      for (const a of args) {
        if (typeof a === 'string') name = a;
        else if (typeof a === 'number') index = a;
        else if (a && typeof a === 'object') template = (a as { template?: EmuSheet }).template;
        else if (a !== undefined) throw this.rt.error(EMU_ERRORS.signatureMismatch(args.map(typeName).join(','), 'SpreadsheetApp.Spreadsheet.insertSheet'));
      }
      if (name !== undefined && this.book.sheetByName(name)) throw this.rt.error(EMU_ERRORS.sheetNameTaken(name));
      if (name === undefined) {
        let n = this.book.sheets.length + 1;
        while (this.book.sheetByName(`Sheet${n}`)) n++;
        name = `Sheet${n}`;
      }
      const id = this.book.newSheetId(() => this.rt.random());
      const model = template ? template.model.clone(id, name) : new SheetModel(id, name, DEFAULT_ROWS, DEFAULT_COLUMNS);
      this.book.assertRoomFor(model.cellCount(), (m) => this.rt.error(m));
      const at = index === undefined ? this.book.sheets.length : Math.max(0, Math.min(Math.trunc(index), this.book.sheets.length));
      this.book.sheets.splice(at, 0, model);
      this.book.activeIndex = at;
      return this.sheetHandle(model);
    });
  }

  deleteSheet(sheet: EmuSheet): void {
    this.call('deleteSheet', COST_MODEL.sheetStructureMs, true, () => {
      if (!(sheet instanceof EmuSheet) || sheet.env.book !== this.book || sheet.model.deleted) {
        throw this.rt.error(EMU_ERRORS.signatureMismatch(typeName(sheet), 'SpreadsheetApp.Spreadsheet.deleteSheet'));
      }
      if (this.book.sheets.length <= 1) throw this.rt.error(EMU_ERRORS.removeAllSheets);
      assertEditable(this.env, sheet.model, 'structure');
      const i = this.book.sheets.indexOf(sheet.model);
      this.book.sheets.splice(i, 1);
      sheet.model.deleted = true;
      if (this.book.activeIndex >= this.book.sheets.length) this.book.activeIndex = this.book.sheets.length - 1;
    });
  }

  /** A new Drive file in the user's My Drive: every sheet deep-copied, sheet ids kept. */
  copy(name: string): EmuSpreadsheet {
    const cost = cellCost(COST_MODEL.fileCopyBaseMs, COST_MODEL.fileCopyPerCellMs, this.book.totalCells());
    // The reference lists spreadsheets.currentonly or spreadsheets for copy(); opening the copy
    // (openById) then needs spreadsheets.
    return this.env.ctx.rt.call('Spreadsheet.copy', { cost, auth: { mode: 'FULL', scopes: SCOPES.currentSpreadsheet }, mutates: { service: 'Spreadsheets', id: this.env.file.id } }, () => {
      const user = this.rt.user;
      const rec = this.env.ctx.drive.copyFile(this.env.file, String(name), user, this.env.ctx.drive.rootFor(user));
      return new EmuSpreadsheet(this.env.ctx, rec);
    });
  }

  getRange(a1Notation: string): EmuRange {
    return this.call('getRange', COST_MODEL.getRangeMs, false, () => {
      const p = parseA1(String(a1Notation));
      const model = p?.sheetName !== undefined ? this.book.sheetByName(p.sheetName) : this.book.sheets[this.book.activeIndex];
      if (!p || !model) throw this.rt.error(EMU_ERRORS.rangeNotFound);
      const sheet = this.sheetHandle(model);
      return sheet.boxRange(p.row, p.col, (p.lastRow ?? model.maxRows) - p.row + 1, (p.lastCol ?? model.maxCols) - p.col + 1);
    });
  }

  getProtections(type: unknown): EmuProtection[] {
    return this.call('getProtections', COST_MODEL.sheetRoundTripMs, false, () => {
      const key = enumKey(type, ProtectionType);
      if (!key) throw this.rt.error(EMU_ERRORS.signatureMismatch(typeName(type), 'SpreadsheetApp.Spreadsheet.getProtections'));
      return this.book.sheets.flatMap((s) => s.protections.filter((p) => p.type === key).map((p) => new EmuProtection(this.env, p)));
    });
  }

  toast(msg: string, title?: string, timeoutSeconds?: number): void {
    this.call('toast', COST_MODEL.uiShowMs, false, () => {
      this.env.ctx.ui.toasts.push({ message: String(msg), ...(title !== undefined ? { title: String(title) } : {}), ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}) });
    });
  }
}
