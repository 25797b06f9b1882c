// getDisplayValues: the text Sheets shows for a cell, for the common number and date formats.
import { formatJavaDate } from '../time';
import { Cell, isMonthFirst, SheetLocale, usesDecimalComma } from './values';

export const GENERAL = 'General';

/** The format Sheets gives a cell when a script writes a Date into an unformatted cell. */
export function defaultDateFormat(locale: string): string {
  return isMonthFirst(locale) ? 'M/d/yyyy H:mm:ss' : 'd/M/yyyy H:mm:ss';
}

function decimalSeparators(locale: string): { dec: string; group: string } {
  return usesDecimalComma(locale) ? { dec: ',', group: '.' } : { dec: '.', group: ',' };
}

/** True for a Sheets number format that formats dates/times rather than numbers. */
export function isDateFormat(fmt: string): boolean {
  const bare = fmt.replace(/"[^"]*"|\\./g, '');
  return !/[0#]/.test(bare) && /[ydhs]|m{1,4}/i.test(bare) && bare !== GENERAL;
}

/** Translates a Sheets date format (m = month or minute by context) to a Java pattern. */
export function sheetsToJavaPattern(fmt: string): string {
  const tokens: Array<{ t: string; lit?: boolean }> = [];
  const re = /"([^"]*)"|\\(.)|(am\/pm|AM\/PM|a\/p)|(y+|m+|d+|h+|s+|H+|M+|D+|Y+|S+)|([^"\\ymdhsHMDYS])/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(fmt))) {
    if (m[1] !== undefined) tokens.push({ t: m[1], lit: true });
    else if (m[2] !== undefined) tokens.push({ t: m[2], lit: true });
    else if (m[3] !== undefined) tokens.push({ t: 'AMPM' });
    else if (m[4] !== undefined) tokens.push({ t: m[4] });
    else tokens.push({ t: m[5], lit: true });
  }
  const hasAmPm = tokens.some((x) => x.t === 'AMPM');
  const kind = (x: { t: string; lit?: boolean } | undefined) => (x && !x.lit ? x.t[0].toLowerCase() : '');
  let out = '';
  tokens.forEach((tok, i) => {
    if (tok.lit) { out += /[A-Za-z']/.test(tok.t) ? `'${tok.t.replace(/'/g, "''")}'` : tok.t; return; }
    const c = tok.t[0].toLowerCase();
    const n = tok.t.length;
    if (tok.t === 'AMPM') { out += 'a'; return; }
    if (c === 'y') out += n <= 2 ? 'yy' : 'yyyy';
    else if (c === 'd') out += n === 3 ? 'EEE' : n >= 4 ? 'EEEE' : 'd'.repeat(n);
    else if (c === 'h') out += (hasAmPm ? 'h' : 'H').repeat(Math.min(n, 2));
    else if (c === 's') out += 's'.repeat(Math.min(n, 2));
    else if (c === 'm') {
      const prev = tokens.slice(0, i).reverse().find((x) => !x.lit);
      const next = tokens.slice(i + 1).find((x) => !x.lit);
      const minute = n <= 2 && (kind(prev) === 'h' || kind(next) === 's');
      out += minute ? 'm'.repeat(n) : n >= 4 ? 'MMMM' : n === 3 ? 'MMM' : 'M'.repeat(n);
    }
  });
  return out;
}

function formatGeneral(n: number, dec: string): string {
  if (!Number.isFinite(n)) return n > 0 ? '#NUM!' : n < 0 ? '-#NUM!' : '#NUM!';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e15 || abs < 1e-9)) return n.toExponential(2).toUpperCase().replace('.', dec);
  const s = String(Number(n.toPrecision(11)));
  return s.replace('.', dec);
}

function formatNumberPattern(n: number, fmt: string, locale: string): string {
  const { dec, group } = decimalSeparators(locale);
  const sections = fmt.split(';');
  const ownNegative = n < 0 && sections.length > 1;
  const section = ownNegative ? sections[1] : sections[0];
  const value = Math.abs(n) * (section.includes('%') ? 100 : 1);
  const numPart = /[0#,.]+/.exec(section)?.[0] ?? '0';
  const [intPat, fracPat = ''] = numPart.split('.');
  const decimals = fracPat.replace(/[^0#]/g, '').length;
  let [i, f] = value.toFixed(decimals).split('.');
  if (intPat.includes(',')) i = i.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const body = (n < 0 && !ownNegative ? '-' : '') + i + (f !== undefined ? dec + f : '');
  return section.replace(numPart, body).replace(/"([^"]*)"/g, '$1').replace(/\\(.)/g, '$1');
}

export function displayText(v: Cell, fmt: string | undefined, where: SheetLocale): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'object') {
    const f = fmt && isDateFormat(fmt) ? fmt : defaultDateFormat(where.locale);
    return formatJavaDate(v.getTime(), where.timeZone, sheetsToJavaPattern(f));
  }
  const { dec } = decimalSeparators(where.locale);
  if (!fmt || fmt === GENERAL || fmt === '@' || isDateFormat(fmt)) return formatGeneral(v, dec);
  return formatNumberPattern(v, fmt, where.locale);
}
