// SpreadsheetApp: the entry points (active spreadsheet, openById, create), flush and getUi.
import { EmuContext } from '../context';
import { COST_MODEL } from '../costModel';
import { EMU_ERRORS, SCOPES } from '../errors';
import { strictObject } from '../strict';
import { EmuUi } from '../ui';
import { ProtectionType } from './protection';
import { CopyPasteType } from './range';
import { DEFAULT_COLUMNS, DEFAULT_ROWS, EmuSpreadsheet } from './spreadsheet';
import { SheetModel } from './sheetModel';
import { SpreadsheetModel } from './spreadsheetModel';

/** A new spreadsheet file with one empty sheet 'Sheet1' (sheet id 0, as in Sheets). */
export function createSpreadsheetFile(ctx: EmuContext, name: string, owner: string | null, rows = DEFAULT_ROWS, cols = DEFAULT_COLUMNS, locale = 'en_US'): EmuSpreadsheet {
  const model = new SpreadsheetModel(ctx.timeZone, locale);
  model.sheets.push(new SheetModel(0, 'Sheet1', rows, cols));
  const rec = ctx.drive.addSpreadsheetFile(name, owner, model);
  return new EmuSpreadsheet(ctx, rec);
}

/** The spreadsheet for an id, or undefined when the id is unknown, trashed or not a spreadsheet. */
export function openSpreadsheet(ctx: EmuContext, id: string): EmuSpreadsheet | undefined {
  const rec = ctx.drive.files.get(id);
  if (!rec || !rec.spreadsheet || rec.trashed) return undefined;
  return new EmuSpreadsheet(ctx, rec);
}

export function makeSpreadsheetApp(ctx: EmuContext, ui: EmuUi) {
  const rt = ctx.rt;
  const active = (): EmuSpreadsheet | null => {
    const id = ctx.activeSpreadsheetId;
    const rec = id ? ctx.drive.files.get(id) : undefined;
    return rec?.spreadsheet ? new EmuSpreadsheet(ctx, rec) : null;
  };
  const activeSpec = { cost: COST_MODEL.getActiveSpreadsheetMs, auth: { mode: 'LIMITED' as const, scopes: SCOPES.currentSpreadsheet } };
  const fullSpec = (cost: number) => ({ cost, auth: { mode: 'FULL' as const, scopes: SCOPES.spreadsheets } });
  const open = (id: string): EmuSpreadsheet => {
    const ss = openSpreadsheet(ctx, String(id));
    if (!ss) throw rt.error(EMU_ERRORS.openByIdFailed);
    return ss;
  };

  return strictObject('SpreadsheetApp', {
    ProtectionType,
    CopyPasteType,
    getActiveSpreadsheet: () => rt.call('SpreadsheetApp.getActiveSpreadsheet', activeSpec, active),
    getActive: () => rt.call('SpreadsheetApp.getActive', activeSpec, active),
    getActiveSheet: () => rt.call('SpreadsheetApp.getActiveSheet', activeSpec, () => active()?.getActiveSheet() ?? null),
    openById: (id: string) => rt.call('SpreadsheetApp.openById', fullSpec(COST_MODEL.openByIdMs), () => open(id)),
    openByUrl: (url: string) => rt.call('SpreadsheetApp.openByUrl', fullSpec(COST_MODEL.openByIdMs), () => {
      const m = /\/spreadsheets\/d\/([A-Za-z0-9_-]+)/.exec(String(url));
      if (!m) throw rt.error(EMU_ERRORS.openByIdFailed);
      return open(m[1]);
    }),
    create: (name: string, rows?: number, columns?: number) =>
      rt.call('SpreadsheetApp.create', { ...fullSpec(COST_MODEL.createSpreadsheetMs), mutates: { service: 'Drive' } }, () =>
        createSpreadsheetFile(ctx, String(name), rt.user, rows ?? DEFAULT_ROWS, columns ?? DEFAULT_COLUMNS)),
    flush: () => rt.call('SpreadsheetApp.flush', { cost: COST_MODEL.flushMs }, () => undefined),
    getUi: () => rt.call('SpreadsheetApp.getUi', { cost: COST_MODEL.localCallMs }, () => ui),
  });
}
