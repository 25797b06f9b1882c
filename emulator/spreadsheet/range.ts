// Range: a fixed box of cells on one sheet (it does not move when rows are inserted, as in
// Apps Script). Reads return fresh copies; writes copy what they are given.
import type { RangeLike } from '../../src/core/gas';
import { COST_MODEL, cellCost } from '../costModel';
import { EMU_ERRORS, notEmulated } from '../errors';
import { enumKey, makeEnum, strictBase } from '../strict';
import { displayText, defaultDateFormat, GENERAL } from './display';
import { shiftForCopy } from './formulaRefs';
import { EmuProtection, newProtection } from './protection';
import { rangeA1 } from './a1';
import { assertAlive, assertEditable, BookEnv, locale, sheetsCall } from './shared';
import type { EmuSheet } from './sheet';
import { CellMeta, FORMAT_KEYS, GridBox, SheetModel } from './sheetModel';
import { Cell, Formula, Stored, toStored, typeName } from './values';

export const CopyPasteType = makeEnum('CopyPasteType', [
  'PASTE_NORMAL', 'PASTE_NO_BORDERS', 'PASTE_FORMAT', 'PASTE_FORMULA', 'PASTE_DATA_VALIDATION', 'PASTE_VALUES',
  'PASTE_CONDITIONAL_FORMATTING', 'PASTE_COLUMN_WIDTHS',
] as const);

type CopyWhat = { values: boolean; formulas: boolean; formats: boolean; valuesOnly: boolean };

export class EmuRange extends strictBase('Range') implements RangeLike {
  constructor(readonly sheet: EmuSheet, readonly box: GridBox) { super(); }

  private get env(): BookEnv { return this.sheet.env; }
  private get model(): SheetModel { return this.sheet.model; }

  private call<T>(method: string, cost: number, mutating: boolean, fn: () => T): T {
    return sheetsCall(this.env, `Range.${method}`, cost, mutating, () => {
      assertAlive(this.env, this.model);
      return fn();
    });
  }

  private local<T>(method: string, fn: () => T): T { return this.call(method, COST_MODEL.localCallMs, false, fn); }
  private cells(): number { return this.box.numRows * this.box.numCols; }
  private readCost(perCell: number = COST_MODEL.readPerCellMs): number { return cellCost(COST_MODEL.readBaseMs, perCell, this.cells()); }
  private writeCost(perCell: number = COST_MODEL.writePerCellMs): number { return cellCost(COST_MODEL.writeBaseMs, perCell, this.cells()); }

  // --- coordinates ------------------------------------------------------------------------
  getRow(): number { return this.local('getRow', () => this.box.row); }
  getRowIndex(): number { return this.local('getRowIndex', () => this.box.row); }
  getColumn(): number { return this.local('getColumn', () => this.box.col); }
  getNumRows(): number { return this.local('getNumRows', () => this.box.numRows); }
  getNumColumns(): number { return this.local('getNumColumns', () => this.box.numCols); }
  getHeight(): number { return this.local('getHeight', () => this.box.numRows); }
  getWidth(): number { return this.local('getWidth', () => this.box.numCols); }
  getLastRow(): number { return this.local('getLastRow', () => this.box.row + this.box.numRows - 1); }
  getLastColumn(): number { return this.local('getLastColumn', () => this.box.col + this.box.numCols - 1); }
  getA1Notation(): string { return this.local('getA1Notation', () => rangeA1(this.box.row, this.box.col, this.box.numRows, this.box.numCols)); }
  getSheet(): EmuSheet { return this.local('getSheet', () => this.sheet); }
  activate(): EmuRange { return this.local('activate', () => this); }

  getCell(row: number, column: number): EmuRange {
    return this.local('getCell', () => {
      if (row < 1 || column < 1 || row > this.box.numRows || column > this.box.numCols) throw this.env.ctx.rt.error(EMU_ERRORS.rangeOutsideSheet);
      return new EmuRange(this.sheet, { row: this.box.row + row - 1, col: this.box.col + column - 1, numRows: 1, numCols: 1 });
    });
  }

  offset(rowOffset: number, columnOffset: number, numRows?: number, numColumns?: number): EmuRange {
    return this.local('offset', () => this.sheet.boxRange(this.box.row + rowOffset, this.box.col + columnOffset, numRows ?? this.box.numRows, numColumns ?? this.box.numCols));
  }

  // --- values ---------------------------------------------------------------------------
  getValues(): Cell[][] { return this.call('getValues', this.readCost(), false, () => this.model.readValues(this.box)); }
  getValue(): Cell { return this.call('getValue', COST_MODEL.readBaseMs, false, () => this.model.value(this.box.row, this.box.col)); }

  setValues(values: unknown[][]): EmuRange {
    return this.call('setValues', this.writeCost(), true, () => {
      this.assertGrid(values, 'SpreadsheetApp.Range.setValues');
      assertEditable(this.env, this.model, this.box);
      const where = locale(this.env);
      this.writeStored((i, j, plain) => toStored(values[i][j], plain, where));
      return this;
    });
  }

  setValue(value: unknown): EmuRange {
    return this.call('setValue', this.writeCost(), true, () => {
      if (Array.isArray(value)) throw this.env.ctx.rt.error(EMU_ERRORS.signatureMismatch(typeName(value), 'SpreadsheetApp.Range.setValue'));
      assertEditable(this.env, this.model, this.box);
      const where = locale(this.env);
      const first = toStored(value, false, where);
      this.writeStored((i, j, plain) => {
        if (!(first instanceof Formula)) return toStored(value, plain, where);
        return new Formula(shiftForCopy(first.text, i, j));
      });
      return this;
    });
  }

  /** Writes the box cell by cell from `at(i, j, plainText)`, keeping formulas in step with values. */
  private writeStored(at: (i: number, j: number, plainText: boolean) => Stored): void {
    const { row, col, numRows, numCols } = this.box;
    for (let i = 0; i < numRows; i++) {
      const r = row + i;
      const metaRow = this.model.meta[r - 1];
      const line: Cell[] = new Array(numCols);
      for (let j = 0; j < numCols; j++) {
        const plain = metaRow?.get(col - 1 + j)?.nf === '@';
        const s = at(i, j, plain);
        if (s instanceof Formula) {
          line[j] = '';
          this.model.setMeta(r, col + j, 'f', s.text);
        } else {
          line[j] = s;
          if (metaRow) this.model.setMeta(r, col + j, 'f', undefined);
        }
      }
      this.model.writeRow(r, col, line);
    }
  }

  private assertGrid(data: unknown, method: string): asserts data is unknown[][] {
    const rt = this.env.ctx.rt;
    if (!Array.isArray(data) || data.some((row) => !Array.isArray(row))) throw rt.error(EMU_ERRORS.signatureMismatch(typeName(data), method));
    if (data.length !== this.box.numRows) throw rt.error(EMU_ERRORS.rowsMismatch(data.length, this.box.numRows));
    for (const row of data as unknown[][]) {
      if (row.length !== this.box.numCols) throw rt.error(EMU_ERRORS.columnsMismatch(row.length, this.box.numCols));
    }
  }

  // --- formulas -------------------------------------------------------------------------
  getFormulas(): string[][] { return this.call('getFormulas', this.readCost(), false, () => this.model.readMeta(this.box, 'f', () => '')); }
  getFormula(): string { return this.call('getFormula', COST_MODEL.readBaseMs, false, () => this.model.getMeta(this.box.row, this.box.col)?.f ?? ''); }

  setFormulas(formulas: string[][]): EmuRange {
    return this.call('setFormulas', this.writeCost(), true, () => {
      this.assertGrid(formulas, 'SpreadsheetApp.Range.setFormulas');
      assertEditable(this.env, this.model, this.box);
      this.writeStored((i, j, plain) => this.formulaStored(formulas[i][j], plain));
      return this;
    });
  }

  /** Sets one formula on every cell, its relative references moving with each cell (as Sheets does). */
  setFormula(formula: string): EmuRange {
    return this.call('setFormula', this.writeCost(), true, () => {
      assertEditable(this.env, this.model, this.box);
      this.writeStored((i, j, plain) => {
        const s = this.formulaStored(formula, plain);
        return s instanceof Formula ? new Formula(shiftForCopy(s.text, i, j)) : s;
      });
      return this;
    });
  }

  /** A formula's cached value is '' (the emulator does not evaluate); '' clears the cell; other text is a value. */
  private formulaStored(f: unknown, plain: boolean): Stored {
    if (f === '' || f === null || f === undefined) return '';
    const text = String(f);
    return text.startsWith('=') ? new Formula(text) : toStored(text, plain, locale(this.env));
  }

  // --- display and formats --------------------------------------------------------------
  getDisplayValues(): string[][] {
    return this.call('getDisplayValues', this.readCost(COST_MODEL.displayPerCellMs), false, () => {
      const where = locale(this.env);
      const values = this.model.readValues(this.box);
      return values.map((line, i) => line.map((v, j) => displayText(v, this.model.getMeta(this.box.row + i, this.box.col + j)?.nf, where)));
    });
  }

  getDisplayValue(): string {
    return this.call('getDisplayValue', COST_MODEL.readBaseMs, false, () => displayText(this.model.value(this.box.row, this.box.col), this.model.getMeta(this.box.row, this.box.col)?.nf, locale(this.env)));
  }

  /** Number format of a cell: its own, or the date-time format Sheets gives a Date, or 'General'. */
  private formatOf = (r: number, c: number): string => {
    const v = this.model.rows[r - 1]?.[c - 1];
    return typeof v === 'object' ? defaultDateFormat(this.env.book.locale) : GENERAL;
  };

  getNumberFormats(): string[][] { return this.call('getNumberFormats', this.readCost(), false, () => this.model.readMeta(this.box, 'nf', this.formatOf)); }
  getNumberFormat(): string { return this.call('getNumberFormat', COST_MODEL.readBaseMs, false, () => this.model.getMeta(this.box.row, this.box.col)?.nf ?? this.formatOf(this.box.row, this.box.col)); }

  setNumberFormats(formats: string[][]): EmuRange {
    return this.call('setNumberFormats', this.writeCost(COST_MODEL.formatPerCellMs), true, () => {
      this.assertGrid(formats, 'SpreadsheetApp.Range.setNumberFormats');
      assertEditable(this.env, this.model, this.box);
      this.forEachCell((r, c, i, j) => this.model.setMeta(r, c, 'nf', formats[i][j] ? String(formats[i][j]) : undefined));
      return this;
    });
  }

  setNumberFormat(format: string): EmuRange {
    return this.call('setNumberFormat', this.writeCost(COST_MODEL.formatPerCellMs), true, () => {
      assertEditable(this.env, this.model, this.box);
      this.forEachCell((r, c) => this.model.setMeta(r, c, 'nf', format ? String(format) : undefined));
      return this;
    });
  }

  getBackground(): string { return this.call('getBackground', COST_MODEL.readBaseMs, false, () => this.model.getMeta(this.box.row, this.box.col)?.bg ?? '#ffffff'); }
  getBackgrounds(): string[][] { return this.call('getBackgrounds', this.readCost(), false, () => this.model.readMeta(this.box, 'bg', () => '#ffffff')); }
  setBackground(color: string | null): EmuRange { return this.setMetaAll('setBackground', 'bg', color); }
  getFontWeight(): string { return this.call('getFontWeight', COST_MODEL.readBaseMs, false, () => this.model.getMeta(this.box.row, this.box.col)?.fw ?? 'normal'); }
  setFontWeight(weight: string | null): EmuRange { return this.setMetaAll('setFontWeight', 'fw', weight === 'normal' ? null : weight); }
  getNote(): string { return this.call('getNote', COST_MODEL.readBaseMs, false, () => this.model.getMeta(this.box.row, this.box.col)?.note ?? ''); }
  getNotes(): string[][] { return this.call('getNotes', this.readCost(), false, () => this.model.readMeta(this.box, 'note', () => '')); }
  setNote(note: string | null): EmuRange { return this.setMetaAll('setNote', 'note', note === '' ? null : note); }

  private setMetaAll(method: string, key: keyof CellMeta, value: string | null): EmuRange {
    return this.call(method, this.writeCost(COST_MODEL.formatPerCellMs), true, () => {
      assertEditable(this.env, this.model, this.box);
      this.forEachCell((r, c) => this.model.setMeta(r, c, key, value === null || value === undefined ? undefined : String(value)));
      return this;
    });
  }

  private forEachCell(fn: (r: number, c: number, i: number, j: number) => void): void {
    for (let i = 0; i < this.box.numRows; i++) for (let j = 0; j < this.box.numCols; j++) fn(this.box.row + i, this.box.col + j, i, j);
  }

  isBlank(): boolean { return this.call('isBlank', this.readCost(), false, () => this.model.isBlank(this.box)); }

  // --- clearing -------------------------------------------------------------------------
  clear(options?: { contentsOnly?: boolean; formatOnly?: boolean; commentsOnly?: boolean; validationsOnly?: boolean; skipFilteredRows?: boolean }): EmuRange {
    return this.call('clear', cellCost(COST_MODEL.writeBaseMs, COST_MODEL.clearPerCellMs, this.cells()), true, () => {
      assertEditable(this.env, this.model, this.box);
      const contentsOnly = !!options?.contentsOnly;
      const formatOnly = !!options?.formatOnly;
      const both = !contentsOnly && !formatOnly;
      this.model.clearBox(this.box, { contents: both || contentsOnly, formats: both || formatOnly });
      return this;
    });
  }

  clearContent(): EmuRange {
    return this.call('clearContent', cellCost(COST_MODEL.writeBaseMs, COST_MODEL.clearPerCellMs, this.cells()), true, () => {
      assertEditable(this.env, this.model, this.box);
      this.model.clearBox(this.box, { contents: true, formats: false });
      return this;
    });
  }

  clearFormat(): EmuRange {
    return this.call('clearFormat', cellCost(COST_MODEL.writeBaseMs, COST_MODEL.clearPerCellMs, this.cells()), true, () => {
      assertEditable(this.env, this.model, this.box);
      this.model.clearBox(this.box, { contents: false, formats: true });
      return this;
    });
  }

  // --- copying --------------------------------------------------------------------------
  copyTo(destination: RangeLike, options?: { contentsOnly?: boolean; formatOnly?: boolean } | unknown, transposed?: boolean): void {
    this.call('copyTo', cellCost(COST_MODEL.rangeCopyBaseMs, COST_MODEL.rangeCopyPerCellMs, this.cells()), true, () => {
      const rt = this.env.ctx.rt;
      if (!(destination instanceof EmuRange)) throw rt.error(EMU_ERRORS.signatureMismatch(typeName(destination), 'SpreadsheetApp.Range.copyTo'));
      if (destination.env.file !== this.env.file) throw rt.error(EMU_ERRORS.copyToOtherSpreadsheet);
      if (transposed) throw notEmulated('Range.copyTo(destination, copyPasteType, transposed=true)');
      assertAlive(destination.env, destination.model);
      this.copyInto(destination, copyWhat(options));
    });
  }

  private copyInto(dest: EmuRange, what: CopyWhat): void {
    const src = this.box;
    const tileRows = dest.box.numRows >= src.numRows && dest.box.numRows % src.numRows === 0 ? dest.box.numRows / src.numRows : 1;
    const tileCols = dest.box.numCols >= src.numCols && dest.box.numCols % src.numCols === 0 ? dest.box.numCols / src.numCols : 1;
    const target: GridBox = { row: dest.box.row, col: dest.box.col, numRows: src.numRows * tileRows, numCols: src.numCols * tileCols };
    const to = dest.model;
    if (target.row + target.numRows - 1 > to.maxRows || target.col + target.numCols - 1 > to.maxCols) throw this.env.ctx.rt.error(EMU_ERRORS.rangeOutsideSheet);
    assertEditable(dest.env, to, target);
    // Snapshot first: source and destination may overlap.
    const values = this.model.readValues(src);
    const metas: Array<Array<CellMeta | undefined>> = values.map((_, i) => values[i].map((__, j) => {
      const m = this.model.getMeta(src.row + i, src.col + j);
      return m ? { ...m } : undefined;
    }));
    for (let ti = 0; ti < tileRows; ti++) for (let tj = 0; tj < tileCols; tj++) {
      const r0 = target.row + ti * src.numRows;
      const c0 = target.col + tj * src.numCols;
      for (let i = 0; i < src.numRows; i++) {
        if (what.values) to.writeRow(r0 + i, c0, values[i]);
        for (let j = 0; j < src.numCols; j++) {
          const m = metas[i][j];
          const r = r0 + i;
          const c = c0 + j;
          if (what.formulas) to.setMeta(r, c, 'f', m?.f !== undefined ? shiftForCopy(m.f, r - (src.row + i), c - (src.col + j)) : undefined);
          else if (what.valuesOnly) to.setMeta(r, c, 'f', undefined);
          if (what.formats) for (const k of FORMAT_KEYS) to.setMeta(r, c, k, m?.[k]);
        }
      }
    }
  }

  protect(): EmuProtection {
    return this.call('protect', COST_MODEL.sheetStructureMs, true, () => newProtection(this.env, this.model, 'RANGE', { ...this.box }));
  }
}

function copyWhat(options: unknown): CopyWhat {
  const key = enumKey(options, CopyPasteType);
  if (key === 'PASTE_VALUES') return { values: true, formulas: false, formats: false, valuesOnly: true };
  if (key === 'PASTE_FORMAT') return { values: false, formulas: false, formats: true, valuesOnly: false };
  if (key === 'PASTE_FORMULA') return { values: true, formulas: true, formats: false, valuesOnly: false };
  if (key === 'PASTE_NORMAL' || key === 'PASTE_NO_BORDERS' || options === undefined) return { values: true, formulas: true, formats: true, valuesOnly: false };
  if (key !== undefined) throw notEmulated(`Range.copyTo with CopyPasteType.${key}`);
  const o = (options ?? {}) as { contentsOnly?: boolean; formatOnly?: boolean };
  if (o.formatOnly) return { values: false, formulas: false, formats: true, valuesOnly: false };
  if (o.contentsOnly) return { values: true, formulas: true, formats: false, valuesOnly: false };
  return { values: true, formulas: true, formats: true, valuesOnly: false };
}
