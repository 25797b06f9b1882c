// What a cell holds, and how a value written by a script becomes one. Like Apps Script,
// setValue/setValues interpret strings as if a user typed them (numbers, booleans, dates, '='
// formulas, a leading apostrophe for text) unless the cell is formatted as plain text ('@').
import { copyDate, isDate } from '../clock';
import { zonedToUtc } from '../time';

export type Cell = string | number | boolean | Date;

export interface SheetLocale { timeZone: string; locale: string }

/** A formula written by a script. Its cell's cached value is '' (the emulator does not evaluate). */
export class Formula {
  constructor(readonly text: string) {}
}

/** What a write turns one script value into: a cell value, or a formula. Plain values are not
 *  wrapped, so writing 10M cells allocates nothing per cell. */
export type Stored = Cell | Formula;

export function isEmpty(v: Cell | undefined): boolean {
  return v === undefined || v === '';
}

/** A copy safe to hand to a caller: Dates are fresh main-realm objects. */
export function readCell(v: Cell | undefined): Cell {
  if (v === undefined) return '';
  return typeof v === 'object' ? copyDate(v) : v;
}

/** Locales that write 12,5 for twelve and a half (and 1.000 for a thousand). */
export function usesDecimalComma(locale: string): boolean {
  return /^(es|pt|fr|de|it|nl|ru|tr|pl|id|da|sv|nb|fi|cs)/i.test(locale);
}

/** en_US writes dates month first; the other locales emulated here day first. */
export function isMonthFirst(locale: string): boolean {
  return /^en([-_]US)?$/i.test(locale);
}

/** Converts a script value to what the sheet stores. */
export function toStored(v: unknown, plainText: boolean, where: SheetLocale): Stored {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Object.is(v, -0) ? 0 : v;
  if (typeof v === 'boolean') return v;
  if (isDate(v)) {
    const d = copyDate(v);
    return Number.isNaN(d.getTime()) ? '' : d;
  }
  if (typeof v !== 'string') return String(v);
  if (plainText) return v;
  return parseTyped(v, where);
}

function parseTyped(s: string, where: SheetLocale): Stored {
  // Fast path: text starting with a letter other than t/f cannot be a number, boolean, date or formula.
  const c = s.charCodeAt(0);
  if (c > 61 && c !== 84 && c !== 116 && c !== 70 && c !== 102) return s;
  if (s.length > 1 && s[0] === '=') return new Formula(s);
  if (s[0] === "'") return s.slice(1);
  const t = s.trim();
  if (t === '') return s;
  if (/^[+-]?\d+$/.test(t)) return Number(t);
  const comma = usesDecimalComma(where.locale);
  const dec = comma ? /^[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?$/ : /^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/;
  if (dec.test(t)) return Number(comma ? t.replace(',', '.') : t);
  if (/^(true|false)$/i.test(t)) return t.toLowerCase() === 'true';
  const date = parseDateText(t, where);
  if (date !== null) return new Date(date);
  return s;
}

/** ISO dates everywhere, plus the locale's numeric day/month order. Returns epoch ms or null. */
export function parseDateText(t: string, where: SheetLocale): number | null {
  let y: number, mo: number, d: number;
  let time = '';
  let m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}:\d{2}(?::\d{2})?))?$/.exec(t);
  if (m) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    time = m[4] ?? '';
  } else {
    m = /^(\d{1,2})[-/](\d{1,2})[-/](\d{4})(?: (\d{1,2}:\d{2}(?::\d{2})?))?$/.exec(t);
    if (!m) return null;
    const dayFirst = !isMonthFirst(where.locale);
    // en_US only accepts M/d/yyyy with slashes; day-first locales accept d/M/yyyy and d-M-yyyy.
    if (!dayFirst && t.includes('-')) return null;
    [d, mo] = dayFirst ? [Number(m[1]), Number(m[2])] : [Number(m[2]), Number(m[1])];
    y = Number(m[3]);
    time = m[4] ?? '';
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCMonth() !== mo - 1) return null;
  const [hh, mi, ss] = time ? time.split(':').map(Number) : [0, 0, 0];
  if (hh > 23 || mi > 59 || (ss ?? 0) > 59) return null;
  return zonedToUtc(y, mo, d, hh, mi, ss ?? 0, 0, where.timeZone);
}

/** The type name Apps Script prints in a signature error for one argument. */
export function typeName(v: unknown): string {
  if (Array.isArray(v)) {
    const inner = v.length > 0 && Array.isArray(v[0]) ? 'Object[]' : v.length > 0 ? typeName(v[0]) : 'Object';
    return `${inner}[]`;
  }
  if (v === null) return 'null';
  if (typeof v === 'string') return 'String';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'Boolean';
  return 'Object';
}
