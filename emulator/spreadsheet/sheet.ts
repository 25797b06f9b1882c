// Sheet: one tab. Structural edits (insert/delete rows and columns) shift the stored cells, keep
// formulas' references right, and respect the workbook's 10M-cell limit.
import type { SheetLike, SpreadsheetLike } from '../../src/core/gas';
import { COST_MODEL, cellCost } from '../costModel';
import { EMU_ERRORS } from '../errors';
import { enumKey, strictBase } from '../strict';
import { parseA1 } from './a1';
import { EmuProtection, newProtection, ProtectionType } from './protection';
import { EmuRange } from './range';
import { assertAlive, assertEditable, BookEnv, locale, metadataCost, sheetsCall } from './shared';
import { SheetModel } from './sheetModel';
import { MAX_COLUMNS } from './spreadsheetModel';
import type { EmuSpreadsheet } from './spreadsheet';
import { Cell, Formula, toStored, typeName } from './values';

export class EmuSheet extends strictBase('Sheet') implements SheetLike {
  constructor(readonly env: BookEnv, readonly model: SheetModel, readonly parent: EmuSpreadsheet) { super(); }

  private call<T>(method: string, cost: number, mutating: boolean, fn: () => T): T {
    return sheetsCall(this.env, `Sheet.${method}`, cost, mutating, () => {
      assertAlive(this.env, this.model);
      return fn();
    });
  }

  private get rt() { return this.env.ctx.rt; }
  private structureCost(): number { return cellCost(COST_MODEL.structureBaseMs, COST_MODEL.structurePerCellMs, this.model.cellCount()); }

  // --- identity -------------------------------------------------------------------------
  getName(): string { return this.call('getName', COST_MODEL.localCallMs, false, () => this.model.name); }
  getSheetName(): string { return this.call('getSheetName', COST_MODEL.localCallMs, false, () => this.model.name); }
  getSheetId(): number { return this.call('getSheetId', COST_MODEL.localCallMs, false, () => this.model.id); }
  getIndex(): number { return this.call('getIndex', COST_MODEL.sheetRoundTripMs, false, () => this.env.book.sheets.indexOf(this.model) + 1); }
  getParent(): EmuSpreadsheet { return this.call('getParent', COST_MODEL.localCallMs, false, () => this.parent); }

  setName(name: string): EmuSheet {
    return this.call('setName', COST_MODEL.sheetStructureMs, true, () => {
      const newName = String(name);
      if (newName === this.model.name) return this;
      if (this.env.book.sheetByName(newName)) throw this.rt.error(EMU_ERRORS.sheetNameTaken(newName));
      assertEditable(this.env, this.model, 'structure');
      const old = this.model.name;
      this.model.name = newName;
      this.env.book.renamed(old, newName);
      return this;
    });
  }

  activate(): EmuSheet {
    return this.call('activate', COST_MODEL.sheetRoundTripMs, false, () => { this.env.book.activeIndex = this.env.book.sheets.indexOf(this.model); return this; });
  }

  // --- ranges ---------------------------------------------------------------------------
  getRange(row: number, column: number, numRows?: number, numColumns?: number): EmuRange;
  getRange(a1Notation: string): EmuRange;
  getRange(a: number | string, column?: number, numRows?: number, numColumns?: number): EmuRange {
    return this.call('getRange', COST_MODEL.getRangeMs, false, () => {
      if (typeof a === 'string') return this.a1Range(a);
      if (typeof a !== 'number' || typeof column !== 'number') throw this.rt.error(EMU_ERRORS.signatureMismatch([a, column].map(typeName).join(','), 'SpreadsheetApp.Sheet.getRange'));
      return this.boxRange(a, column, numRows ?? 1, numColumns ?? 1);
    });
  }

  /** A range after Apps Script's argument checks (shared with Range.offset). */
  boxRange(row: number, col: number, numRows: number, numCols: number): EmuRange {
    const [r, c, nr, nc] = [row, col, numRows, numCols].map(Math.trunc);
    if (r < 1) throw this.rt.error(EMU_ERRORS.startRowTooSmall);
    if (c < 1) throw this.rt.error(EMU_ERRORS.startColumnTooSmall);
    if (!(nr >= 1)) throw this.rt.error(EMU_ERRORS.numRowsTooSmall);
    if (!(nc >= 1)) throw this.rt.error(EMU_ERRORS.numColumnsTooSmall);
    if (r + nr - 1 > this.model.maxRows || c + nc - 1 > this.model.maxCols) throw this.rt.error(EMU_ERRORS.rangeOutsideSheet);
    return new EmuRange(this, { row: r, col: c, numRows: nr, numCols: nc });
  }

  private a1Range(a1: string): EmuRange {
    const p = parseA1(a1);
    if (!p || (p.sheetName !== undefined && p.sheetName !== this.model.name)) throw this.rt.error(EMU_ERRORS.rangeNotFound);
    const lastRow = p.lastRow ?? this.model.maxRows;
    const lastCol = p.lastCol ?? this.model.maxCols;
    return this.boxRange(p.row, p.col, lastRow - p.row + 1, lastCol - p.col + 1);
  }

  getDataRange(): EmuRange {
    return this.call('getDataRange', metadataCost(this.model), false, () =>
      new EmuRange(this, { row: 1, col: 1, numRows: Math.max(this.model.lastRow(), 1), numCols: Math.max(this.model.lastColumn(), 1) }));
  }

  getSheetValues(row: number, column: number, numRows: number, numColumns: number): Cell[][] {
    return this.call('getSheetValues', cellCost(COST_MODEL.readBaseMs, COST_MODEL.readPerCellMs, Math.max(numRows, 0) * Math.max(numColumns, 0)), false, () =>
      this.model.readValues(this.boxRange(row, column, numRows, numColumns).box));
  }

  getLastRow(): number { return this.call('getLastRow', metadataCost(this.model), false, () => this.model.lastRow()); }
  getLastColumn(): number { return this.call('getLastColumn', metadataCost(this.model), false, () => this.model.lastColumn()); }
  getMaxRows(): number { return this.call('getMaxRows', metadataCost(this.model), false, () => this.model.maxRows); }
  getMaxColumns(): number { return this.call('getMaxColumns', metadataCost(this.model), false, () => this.model.maxCols); }

  // --- columns --------------------------------------------------------------------------
  insertColumnsAfter(afterPosition: number, howMany: number): EmuSheet {
    return this.call('insertColumnsAfter', this.structureCost(), true, () => this.insertCols(afterPosition, afterPosition + 1, howMany));
  }
  insertColumnsBefore(beforePosition: number, howMany: number): EmuSheet {
    return this.call('insertColumnsBefore', this.structureCost(), true, () => this.insertCols(beforePosition, beforePosition, howMany));
  }
  insertColumns(columnIndex: number, numColumns = 1): void {
    this.call('insertColumns', this.structureCost(), true, () => this.insertCols(columnIndex, columnIndex, numColumns));
  }
  insertColumnAfter(afterPosition: number): EmuSheet {
    return this.call('insertColumnAfter', this.structureCost(), true, () => this.insertCols(afterPosition, afterPosition + 1, 1));
  }
  insertColumnBefore(beforePosition: number): EmuSheet {
    return this.call('insertColumnBefore', this.structureCost(), true, () => this.insertCols(beforePosition, beforePosition, 1));
  }

  private insertCols(position: number, at: number, howMany: number): EmuSheet {
    if (!(position >= 1 && position <= this.model.maxCols)) throw this.rt.error(EMU_ERRORS.columnsOutOfBounds);
    if (!(howMany >= 1)) throw this.rt.error(EMU_ERRORS.numColumnsTooSmall);
    if (this.model.maxCols + howMany > MAX_COLUMNS) throw this.rt.error(EMU_ERRORS.columnLimit);
    this.env.book.assertRoomFor(howMany * this.model.maxRows, (m) => this.rt.error(m));
    assertEditable(this.env, this.model, 'structure');
    this.model.insertColumns(at, howMany);
    this.env.book.structureChanged(this.model, 'col', at, howMany);
    return this;
  }

  deleteColumns(columnPosition: number, howMany: number): void {
    this.call('deleteColumns', this.structureCost(), true, () => this.deleteCols(columnPosition, howMany));
  }
  deleteColumn(columnPosition: number): EmuSheet {
    return this.call('deleteColumn', this.structureCost(), true, () => { this.deleteCols(columnPosition, 1); return this; });
  }

  private deleteCols(at: number, howMany: number): void {
    if (!(howMany >= 1)) throw this.rt.error(EMU_ERRORS.numColumnsTooSmall);
    if (!(at >= 1 && at + howMany - 1 <= this.model.maxCols)) throw this.rt.error(EMU_ERRORS.columnsOutOfBounds);
    if (howMany >= this.model.maxCols) throw this.rt.error(EMU_ERRORS.deleteAllColumns);
    assertEditable(this.env, this.model, { row: 1, col: at, numRows: this.model.maxRows, numCols: howMany });
    this.model.deleteColumns(at, howMany);
    this.env.book.structureChanged(this.model, 'col', at, -howMany);
  }

  // --- rows -----------------------------------------------------------------------------
  insertRowsAfter(afterPosition: number, howMany: number): EmuSheet {
    return this.call('insertRowsAfter', this.structureCost(), true, () => this.insertRowsAt(afterPosition, afterPosition + 1, howMany));
  }
  insertRowsBefore(beforePosition: number, howMany: number): EmuSheet {
    return this.call('insertRowsBefore', this.structureCost(), true, () => this.insertRowsAt(beforePosition, beforePosition, howMany));
  }
  insertRows(rowIndex: number, numRows = 1): void {
    this.call('insertRows', this.structureCost(), true, () => this.insertRowsAt(rowIndex, rowIndex, numRows));
  }
  insertRowAfter(afterPosition: number): EmuSheet {
    return this.call('insertRowAfter', this.structureCost(), true, () => this.insertRowsAt(afterPosition, afterPosition + 1, 1));
  }
  insertRowBefore(beforePosition: number): EmuSheet {
    return this.call('insertRowBefore', this.structureCost(), true, () => this.insertRowsAt(beforePosition, beforePosition, 1));
  }

  private insertRowsAt(position: number, at: number, howMany: number): EmuSheet {
    if (!(position >= 1 && position <= this.model.maxRows)) throw this.rt.error(EMU_ERRORS.rowsOutOfBounds);
    if (!(howMany >= 1)) throw this.rt.error(EMU_ERRORS.numRowsTooSmall);
    this.env.book.assertRoomFor(howMany * this.model.maxCols, (m) => this.rt.error(m));
    assertEditable(this.env, this.model, 'structure');
    this.model.insertRows(at, howMany);
    this.env.book.structureChanged(this.model, 'row', at, howMany);
    return this;
  }

  deleteRows(rowPosition: number, howMany: number): void {
    this.call('deleteRows', this.structureCost(), true, () => this.deleteRowsAt(rowPosition, howMany));
  }
  deleteRow(rowPosition: number): EmuSheet {
    return this.call('deleteRow', this.structureCost(), true, () => { this.deleteRowsAt(rowPosition, 1); return this; });
  }

  private deleteRowsAt(at: number, howMany: number): void {
    if (!(howMany >= 1)) throw this.rt.error(EMU_ERRORS.numRowsTooSmall);
    if (!(at >= 1 && at + howMany - 1 <= this.model.maxRows)) throw this.rt.error(EMU_ERRORS.rowsOutOfBounds);
    if (howMany >= this.model.maxRows) throw this.rt.error(EMU_ERRORS.deleteAllRows);
    if (this.model.frozenRows > 0 && this.model.maxRows - howMany <= this.model.frozenRows) throw this.rt.error(EMU_ERRORS.deleteAllNonFrozenRows);
    assertEditable(this.env, this.model, { row: at, col: 1, numRows: howMany, numCols: this.model.maxCols });
    this.model.deleteRows(at, howMany);
    this.env.book.structureChanged(this.model, 'row', at, -howMany);
  }

  /** Writes after the last row with content, growing the grid when it is full (as Sheets does). */
  appendRow(rowContents: unknown[]): EmuSheet {
    return this.call('appendRow', cellCost(COST_MODEL.writeBaseMs, COST_MODEL.writePerCellMs, Array.isArray(rowContents) ? rowContents.length : 0), true, () => {
      if (!Array.isArray(rowContents)) throw this.rt.error(EMU_ERRORS.signatureMismatch(typeName(rowContents), 'SpreadsheetApp.Sheet.appendRow'));
      const r = this.model.lastRow() + 1;
      const extraCols = Math.max(0, rowContents.length - this.model.maxCols);
      const extraRows = r > this.model.maxRows ? 1 : 0;
      this.env.book.assertRoomFor(extraRows * (this.model.maxCols + extraCols) + extraCols * this.model.maxRows, (m) => this.rt.error(m));
      assertEditable(this.env, this.model, { row: r, col: 1, numRows: 1, numCols: Math.max(rowContents.length, 1) });
      if (extraRows) this.model.maxRows += 1;
      if (extraCols) this.model.maxCols += extraCols;
      const where = locale(this.env);
      const line: Cell[] = [];
      rowContents.forEach((v, j) => {
        const s = toStored(v, this.model.getMeta(r, j + 1)?.nf === '@', where);
        line.push(s instanceof Formula ? '' : s);
        this.model.setMeta(r, j + 1, 'f', s instanceof Formula ? s.text : undefined);
      });
      this.model.writeRow(r, 1, line);
      return this;
    });
  }

  // --- copying, protection, clearing ------------------------------------------------------
  copyTo(spreadsheet: SpreadsheetLike): EmuSheet {
    return this.call('copyTo', cellCost(COST_MODEL.sheetCopyBaseMs, COST_MODEL.sheetCopyPerCellMs, this.model.cellCount()), true, () => {
      const dest = spreadsheet as EmuSpreadsheet;
      if (!dest || typeof dest !== 'object' || !('env' in dest)) throw this.rt.error(EMU_ERRORS.signatureMismatch(typeName(spreadsheet), 'SpreadsheetApp.Sheet.copyTo'));
      const book = dest.env.book;
      book.assertRoomFor(this.model.cellCount(), (m) => this.rt.error(m));
      let name = `Copy of ${this.model.name}`;
      for (let n = 2; book.sheetByName(name); n++) name = `Copy of ${this.model.name} ${n}`;
      const copy = this.model.clone(book.newSheetId(() => this.rt.random()), name);
      book.sheets.push(copy);
      dest.env.file.updatedAt = this.rt.clock.now();
      return dest.sheetHandle(copy);
    });
  }

  protect(): EmuProtection {
    return this.call('protect', COST_MODEL.sheetStructureMs, true, () => {
      const existing = this.model.protections.find((p) => p.type === 'SHEET');
      return existing ? new EmuProtection(this.env, existing) : newProtection(this.env, this.model, 'SHEET');
    });
  }

  getProtections(type: 'SHEET' | 'RANGE' | unknown): EmuProtection[] {
    return this.call('getProtections', COST_MODEL.sheetRoundTripMs, false, () => {
      const key = enumKey(type, ProtectionType);
      if (!key) throw this.rt.error(EMU_ERRORS.signatureMismatch(typeName(type), 'SpreadsheetApp.Sheet.getProtections'));
      return this.model.protections.filter((p) => p.type === key).map((p) => new EmuProtection(this.env, p));
    });
  }

  clear(options?: { contentsOnly?: boolean; formatOnly?: boolean }): EmuSheet {
    return this.call('clear', cellCost(COST_MODEL.writeBaseMs, COST_MODEL.clearPerCellMs, this.model.cellCount()), true, () => {
      const contentsOnly = !!options?.contentsOnly;
      const formatOnly = !!options?.formatOnly;
      return this.clearAll(!formatOnly || contentsOnly, !contentsOnly || formatOnly);
    });
  }
  clearContents(): EmuSheet { return this.call('clearContents', cellCost(COST_MODEL.writeBaseMs, COST_MODEL.clearPerCellMs, this.model.cellCount()), true, () => this.clearAll(true, false)); }
  clearFormats(): EmuSheet { return this.call('clearFormats', cellCost(COST_MODEL.writeBaseMs, COST_MODEL.clearPerCellMs, this.model.cellCount()), true, () => this.clearAll(false, true)); }

  private clearAll(contents: boolean, formats: boolean): EmuSheet {
    const box = { row: 1, col: 1, numRows: this.model.maxRows, numCols: this.model.maxCols };
    assertEditable(this.env, this.model, box);
    this.model.clearBox(box, { contents, formats });
    return this;
  }

  // --- view settings --------------------------------------------------------------------
  getFrozenRows(): number { return this.call('getFrozenRows', COST_MODEL.sheetRoundTripMs, false, () => this.model.frozenRows); }
  setFrozenRows(rows: number): void {
    this.call('setFrozenRows', COST_MODEL.sheetRoundTripMs, true, () => {
      if (!(rows >= 0 && rows < this.model.maxRows)) throw this.rt.error(EMU_ERRORS.rowsOutOfBounds);
      this.model.frozenRows = Math.trunc(rows);
    });
  }
  isSheetHidden(): boolean { return this.call('isSheetHidden', COST_MODEL.sheetRoundTripMs, false, () => this.model.hidden); }
  hideSheet(): EmuSheet { return this.call('hideSheet', COST_MODEL.sheetRoundTripMs, true, () => { this.model.hidden = true; return this; }); }
  showSheet(): EmuSheet { return this.call('showSheet', COST_MODEL.sheetRoundTripMs, true, () => { this.model.hidden = false; return this; }); }

  /** Column widths are not stored: these validate and cost, nothing more. */
  autoResizeColumns(startColumn: number, numColumns: number): EmuSheet { return this.widthCall('autoResizeColumns', startColumn, numColumns); }
  setColumnWidth(columnPosition: number, _width: number): EmuSheet { return this.widthCall('setColumnWidth', columnPosition, 1); }
  setColumnWidths(startColumn: number, numColumns: number, _width: number): EmuSheet { return this.widthCall('setColumnWidths', startColumn, numColumns); }

  private widthCall(method: string, start: number, count: number): EmuSheet {
    return this.call(method, COST_MODEL.sheetRoundTripMs, true, () => {
      if (!(start >= 1 && count >= 1 && start + count - 1 <= this.model.maxCols)) throw this.rt.error(EMU_ERRORS.columnsOutOfBounds);
      return this;
    });
  }
}
