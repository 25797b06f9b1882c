// What the Spreadsheet, Sheet and Range handles share: the call wrapper (auth, mutation
// accounting, "last updated"), the deleted-sheet check and protection enforcement.
import { EmuContext } from '../context';
import { COST_MODEL } from '../costModel';
import { FileRecord } from '../drive/driveModel';
import { EMU_ERRORS, SCOPES } from '../errors';
import { CallSpec } from '../runtime';
import { GridBox, ProtectionModel, SheetModel } from './sheetModel';
import { SpreadsheetModel } from './spreadsheetModel';
import { SheetLocale } from './values';

export const SHEETS_AUTH: CallSpec['auth'] = { mode: 'LIMITED', scopes: SCOPES.currentSpreadsheet };

/** A spreadsheet as a handle sees it: its Drive record and its data. */
export interface BookEnv { ctx: EmuContext; file: FileRecord; book: SpreadsheetModel }

export function locale(env: BookEnv): SheetLocale {
  return { timeZone: env.book.timeZone, locale: env.book.locale };
}

/** Runs one Spreadsheet-service call; `mutating` calls can be faulted and mark the file updated. */
export function sheetsCall<T>(env: BookEnv, name: string, cost: number, mutating: boolean, fn: () => T): T {
  const spec: CallSpec = { cost, auth: SHEETS_AUTH, ...(mutating ? { mutates: { service: 'Spreadsheets', id: env.file.id } } : {}) };
  return env.ctx.rt.call(name, spec, () => {
    const out = fn();
    if (mutating) env.file.updatedAt = env.ctx.rt.clock.now();
    return out;
  });
}

export function metadataCost(sheet: SheetModel): number {
  return COST_MODEL.sheetMetadataBaseMs + COST_MODEL.sheetMetadataPerCellMs * sheet.cellCount();
}

export function assertAlive(env: BookEnv, sheet: SheetModel): void {
  if (sheet.deleted) throw env.ctx.rt.error(EMU_ERRORS.sheetDeleted);
}

function overlaps(a: GridBox, b: GridBox): boolean {
  return a.row < b.row + b.numRows && b.row < a.row + a.numRows && a.col < b.col + b.numCols && b.col < a.col + a.numCols;
}

export function canEditProtection(env: BookEnv, p: ProtectionModel, user: string): boolean {
  return p.editors.has(user) || env.file.owner === user;
}

/**
 * Inside an execution, a user who is not an editor of a protection covering `box` gets Sheets'
 * protected-cell error. 'structure' (inserting rows/columns, renaming) is blocked only by a
 * whole-sheet protection; deletions pass the box they remove.
 */
export function assertEditable(env: BookEnv, sheet: SheetModel, box: GridBox | 'structure'): void {
  const exec = env.ctx.rt.current;
  if (!exec) return;
  for (const p of sheet.protections) {
    if (p.warningOnly || canEditProtection(env, p, exec.user)) continue;
    const hit = p.type === 'SHEET' || (box !== 'structure' && p.box !== undefined && overlaps(p.box, box));
    if (hit) throw env.ctx.rt.error(EMU_ERRORS.protectedCell);
  }
}
