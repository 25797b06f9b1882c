// Storage of one sheet, built for 10M cells: one array of values per row (trailing empties
// trimmed, empty rows are holes), and sparse per-row maps for what few cells carry (formulas,
// number formats, background, font weight, notes). All coordinates here are 1-based.
import { Cell, isEmpty, readCell } from './values';

export interface CellMeta { f?: string; nf?: string; bg?: string; fw?: string; note?: string }
type MetaKey = keyof CellMeta;
export const FORMAT_KEYS: MetaKey[] = ['nf', 'bg', 'fw'];

export interface GridBox { row: number; col: number; numRows: number; numCols: number }

export interface ProtectionModel {
  type: 'SHEET' | 'RANGE';
  sheet: SheetModel;
  box?: GridBox;
  description: string;
  editors: Set<string>;
  warningOnly: boolean;
  domainEdit: boolean;
  removed: boolean;
}

function trim(row: Cell[]): void {
  let n = row.length;
  while (n > 0 && row[n - 1] === '') n--;
  if (n !== row.length) row.length = n;
}

/** Inserts `count` holes at index `i` of a (possibly holey) array without spreading arguments. */
function insertHoles<T>(arr: Array<T | undefined>, i: number, count: number): Array<T | undefined> {
  if (i >= arr.length) return arr;
  return arr.slice(0, i).concat(new Array<T | undefined>(count), arr.slice(i));
}

export class SheetModel {
  rows: Array<Cell[] | undefined> = [];
  meta: Array<Map<number, CellMeta> | undefined> = [];
  protections: ProtectionModel[] = [];
  frozenRows = 0;
  hidden = false;
  deleted = false;
  /** Bumped on every content change; getLastRow/getLastColumn cache against it. */
  version = 0;
  private lastRowCache = { version: -1, value: 0 };
  private lastColCache = { version: -1, value: 0 };

  constructor(public id: number, public name: string, public maxRows: number, public maxCols: number) {}

  cellCount(): number { return this.maxRows * this.maxCols; }

  // --- reading --------------------------------------------------------------------------
  value(r: number, c: number): Cell {
    const row = this.rows[r - 1];
    return row ? readCell(row[c - 1]) : '';
  }

  readValues(box: GridBox): Cell[][] {
    const out: Cell[][] = new Array(box.numRows);
    for (let i = 0; i < box.numRows; i++) {
      const row = this.rows[box.row - 1 + i];
      const line: Cell[] = new Array(box.numCols);
      for (let j = 0; j < box.numCols; j++) {
        const v = row ? row[box.col - 1 + j] : undefined;
        line[j] = v === undefined ? '' : typeof v === 'object' ? new Date(v.getTime()) : v;
      }
      out[i] = line;
    }
    return out;
  }

  getMeta(r: number, c: number): CellMeta | undefined {
    return this.meta[r - 1]?.get(c - 1);
  }

  readMeta(box: GridBox, key: MetaKey, fallback: (r: number, c: number) => string): string[][] {
    const out: string[][] = new Array(box.numRows);
    for (let i = 0; i < box.numRows; i++) {
      const m = this.meta[box.row - 1 + i];
      const line: string[] = new Array(box.numCols);
      for (let j = 0; j < box.numCols; j++) {
        const v = m?.get(box.col - 1 + j)?.[key];
        line[j] = v !== undefined ? v : fallback(box.row + i, box.col + j);
      }
      out[i] = line;
    }
    return out;
  }

  // --- writing --------------------------------------------------------------------------
  /** Writes one row segment of values starting at column c. */
  writeRow(r: number, c: number, values: Cell[]): void {
    let row = this.rows[r - 1];
    if (!row) {
      if (values.every((v) => v === '')) return;
      row = [];
      this.rows[r - 1] = row;
    }
    while (row.length < c - 1) row.push('');
    for (let j = 0; j < values.length; j++) row[c - 1 + j] = values[j];
    trim(row);
    if (row.length === 0) this.rows[r - 1] = undefined;
    this.version++;
  }

  setMeta(r: number, c: number, key: MetaKey, value: string | undefined): void {
    let m = this.meta[r - 1];
    if (value === undefined) {
      const entry = m?.get(c - 1);
      if (!entry || entry[key] === undefined) return;
      delete entry[key];
      if (Object.keys(entry).length === 0) m!.delete(c - 1);
      if (m!.size === 0) this.meta[r - 1] = undefined;
    } else {
      if (!m) { m = new Map(); this.meta[r - 1] = m; }
      const entry = m.get(c - 1);
      if (entry) entry[key] = value; else m.set(c - 1, { [key]: value });
    }
    if (key === 'f') this.version++;
  }

  /** Clears values and formulas (contents) and/or formats in a box. */
  clearBox(box: GridBox, what: { contents: boolean; formats: boolean; notes?: boolean }): void {
    const keys: MetaKey[] = [...(what.contents ? (['f'] as MetaKey[]) : []), ...(what.formats ? FORMAT_KEYS : []), ...(what.notes ? (['note'] as MetaKey[]) : [])];
    const blank: Cell[] = new Array(box.numCols).fill('');
    for (let i = 0; i < box.numRows; i++) {
      const r = box.row + i;
      if (what.contents && this.rows[r - 1]) this.writeRow(r, box.col, blank);
      const m = this.meta[r - 1];
      if (!m || keys.length === 0) continue;
      for (let j = 0; j < box.numCols; j++) for (const k of keys) this.setMeta(r, box.col + j, k, undefined);
    }
    this.version++;
  }

  // --- content extent (cached) ------------------------------------------------------------
  lastRow(): number {
    if (this.lastRowCache.version === this.version) return this.lastRowCache.value;
    let r = Math.max(this.rows.length, this.meta.length);
    while (r > 0 && !this.rowHasContent(r - 1)) r--;
    this.lastRowCache = { version: this.version, value: r };
    return r;
  }

  lastColumn(): number {
    if (this.lastColCache.version === this.version) return this.lastColCache.value;
    let c = 0;
    for (const row of this.rows) if (row && row.length > c) c = row.length;
    for (const m of this.meta) if (m) for (const [col, e] of m) if (e.f !== undefined && col + 1 > c) c = col + 1;
    this.lastColCache = { version: this.version, value: c };
    return c;
  }

  private rowHasContent(i: number): boolean {
    const row = this.rows[i];
    if (row && row.length > 0) return true;
    const m = this.meta[i];
    if (!m) return false;
    for (const e of m.values()) if (e.f !== undefined) return true;
    return false;
  }

  // --- structure ------------------------------------------------------------------------
  insertRows(at: number, count: number): void {
    this.rows = insertHoles(this.rows, at - 1, count);
    this.meta = insertHoles(this.meta, at - 1, count);
    this.maxRows += count;
    this.shiftProtections('row', at, count);
    this.version++;
  }

  deleteRows(at: number, count: number): void {
    this.rows.splice(at - 1, count);
    this.meta.splice(at - 1, count);
    this.maxRows -= count;
    this.shiftProtections('row', at, -count);
    this.version++;
  }

  insertColumns(at: number, count: number): void {
    const i = at - 1;
    const blanks: Cell[] = new Array(count).fill('');
    for (const row of this.rows) if (row && row.length > i) row.splice(i, 0, ...blanks);
    this.remapMetaColumns((col) => (col >= i ? col + count : col));
    this.maxCols += count;
    this.shiftProtections('col', at, count);
    this.version++;
  }

  deleteColumns(at: number, count: number): void {
    const i = at - 1;
    for (let r = 0; r < this.rows.length; r++) {
      const row = this.rows[r];
      if (!row || row.length <= i) continue;
      row.splice(i, count);
      trim(row);
      if (row.length === 0) this.rows[r] = undefined;
    }
    this.remapMetaColumns((col) => (col < i ? col : col >= i + count ? col - count : -1));
    this.maxCols -= count;
    this.shiftProtections('col', at, -count);
    this.version++;
  }

  private remapMetaColumns(map: (col: number) => number): void {
    for (let r = 0; r < this.meta.length; r++) {
      const m = this.meta[r];
      if (!m) continue;
      const next = new Map<number, CellMeta>();
      for (const [col, e] of m) { const to = map(col); if (to >= 0) next.set(to, e); }
      this.meta[r] = next.size ? next : undefined;
    }
  }

  private shiftProtections(dim: 'row' | 'col', at: number, count: number): void {
    for (const p of this.protections) {
      if (!p.box) continue;
      const startKey = dim === 'row' ? 'row' : 'col';
      const sizeKey = dim === 'row' ? 'numRows' : 'numCols';
      const s = p.box[startKey];
      const e = s + p.box[sizeKey] - 1;
      let ns = s, ne = e;
      if (count > 0) { if (s >= at) ns += count; if (e >= at) ne += count; }
      else {
        const last = at - count - 1;
        ns = s < at ? s : s > last ? s + count : at;
        ne = e < at ? e : e > last ? e + count : at - 1;
      }
      if (ne < ns) { p.removed = true; continue; }
      p.box = { ...p.box, [startKey]: ns, [sizeKey]: ne - ns + 1 };
    }
    this.protections = this.protections.filter((p) => !p.removed);
  }

  /** Every formula in the sheet, for rewriting references. */
  forEachFormula(fn: (formula: string) => string): void {
    for (const m of this.meta) {
      if (!m) continue;
      for (const e of m.values()) if (e.f !== undefined) e.f = fn(e.f);
    }
  }

  /** A deep copy (values, meta, frozen rows); protections are copied by the caller when wanted. */
  clone(id: number, name: string): SheetModel {
    const s = new SheetModel(id, name, this.maxRows, this.maxCols);
    s.rows = this.rows.map((row) => (row ? row.map((v) => (typeof v === 'object' ? new Date(v.getTime()) : v)) : undefined));
    s.meta = this.meta.map((m) => (m ? new Map([...m].map(([k, e]) => [k, { ...e }])) : undefined));
    s.frozenRows = this.frozenRows;
    s.hidden = this.hidden;
    return s;
  }

  /** True when the box holds no value and no formula. */
  isBlank(box: GridBox): boolean {
    for (let i = 0; i < box.numRows; i++) {
      const row = this.rows[box.row - 1 + i];
      const m = this.meta[box.row - 1 + i];
      for (let j = 0; j < box.numCols; j++) {
        if (row && !isEmpty(row[box.col - 1 + j])) return false;
        if (m?.get(box.col - 1 + j)?.f !== undefined) return false;
      }
    }
    return true;
  }
}
