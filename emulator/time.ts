// Time-zone arithmetic and Java SimpleDateFormat patterns (what Utilities.formatDate speaks),
// built on Intl so that every IANA zone works, daylight saving included.

export interface ZonedParts {
  year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond: number;
  /** 1 = Monday .. 7 = Sunday (ISO). */
  weekday: number;
  /** Minutes east of UTC at that instant. */
  offsetMinutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

export function isValidTimeZone(tz: string): boolean {
  try { formatterFor(tz); return true; } catch { return false; }
}

/** A zone id as Java reads it: IANA ids, GMT±h[:mm]; anything unknown silently means GMT. */
export function javaTimeZone(tz: string): string {
  if (isValidTimeZone(tz)) return tz;
  const m = /^GMT([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(tz);
  if (m && (!m[3] || m[3] === '00')) return `Etc/GMT${m[1] === '+' ? '-' : '+'}${Number(m[2])}`;
  return 'UTC';
}

/** The zone's UTC offset at `ms`, asked of Intl (slow). */
function intlOffsetMinutes(ms: number, tz: string): number {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(tz).formatToParts(new Date(ms))) parts[p.type] = p.value;
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((asUtc - (ms - (((ms % 1000) + 1000) % 1000))) / 60000);
}

// Offsets only change at zone transitions, which fall on quarter hours: cache per quarter hour,
// so that formatting or parsing a million dates does not ask Intl a million times.
const offsetCache = new Map<string, number>();
const QUARTER_HOUR = 900_000;

export function offsetMinutesAt(ms: number, tz: string): number {
  const key = `${tz}|${Math.floor(ms / QUARTER_HOUR)}`;
  let o = offsetCache.get(key);
  if (o === undefined) {
    o = intlOffsetMinutes(Math.floor(ms / QUARTER_HOUR) * QUARTER_HOUR, tz);
    if (offsetCache.size > 200_000) offsetCache.clear();
    offsetCache.set(key, o);
  }
  return o;
}

export function zonedParts(ms: number, tz: string): ZonedParts {
  const offsetMinutes = offsetMinutesAt(ms, tz);
  const d = new Date(ms + offsetMinutes * 60000);
  const dow = d.getUTCDay();
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(), millisecond: d.getUTCMilliseconds(), weekday: dow === 0 ? 7 : dow, offsetMinutes,
  };
}

/** The instant whose wall-clock time in `tz` is the given one (the later one in a DST gap). */
export function zonedToUtc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0, tz = 'UTC'): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  let t = guess - zonedParts(guess, tz).offsetMinutes * 60000;
  t = guess - zonedParts(t, tz).offsetMinutes * 60000;
  return t;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= width ? s : '0'.repeat(width - s.length) + s);
}

function offsetText(minutes: number, style: 'Z' | 'X' | 'XX' | 'XXX' | 'z'): string {
  if (minutes === 0 && style.startsWith('X')) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = pad(Math.floor(abs / 60), 2);
  const mm = pad(abs % 60, 2);
  if (style === 'Z' || style === 'XX') return sign + hh + mm;
  if (style === 'X') return sign + hh;
  if (style === 'z') return `GMT${sign}${hh}:${mm}`;
  return `${sign}${hh}:${mm}`;
}

/** Java SimpleDateFormat subset: G y M d H h k K m s S E a Z X z u D, 'literal' and ''. */
export function formatJavaDate(ms: number, tz: string, pattern: string): string {
  const p = zonedParts(ms, tz);
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) { out += "'"; i += 2; continue; }
      if (end < 0) throw new Error(`Illegal pattern: unterminated quote in ${pattern}`);
      out += pattern.slice(i + 1, end).replace(/''/g, "'");
      i = end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) { out += ch; i++; continue; }
    let n = 1;
    while (pattern[i + n] === ch) n++;
    i += n;
    out += field(ch, n, p, ms);
  }
  return out;
}

function dayOfYear(p: ZonedParts): number {
  return Math.round((Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(p.year, 0, 1)) / 86400000) + 1;
}

function field(ch: string, n: number, p: ZonedParts, ms: number): string {
  switch (ch) {
    case 'G': return 'AD';
    case 'y': case 'Y': return n === 2 ? pad(p.year % 100, 2) : pad(p.year, n);
    case 'M': case 'L':
      if (n >= 4) return MONTHS[p.month - 1];
      if (n === 3) return MONTHS[p.month - 1].slice(0, 3);
      return pad(p.month, n);
    case 'd': return pad(p.day, n);
    case 'D': return pad(dayOfYear(p), n);
    case 'H': return pad(p.hour, n);
    case 'k': return pad(p.hour === 0 ? 24 : p.hour, n);
    case 'K': return pad(p.hour % 12, n);
    case 'h': return pad(p.hour % 12 === 0 ? 12 : p.hour % 12, n);
    case 'm': return pad(p.minute, n);
    case 's': return pad(p.second, n);
    case 'S': return pad(p.millisecond, n);
    case 'E': return n >= 4 ? DAYS[p.weekday - 1] : DAYS[p.weekday - 1].slice(0, 3);
    case 'u': return String(p.weekday);
    case 'a': return p.hour < 12 ? 'AM' : 'PM';
    case 'Z': return offsetText(p.offsetMinutes, 'Z');
    case 'X': return offsetText(p.offsetMinutes, n === 1 ? 'X' : n === 2 ? 'XX' : 'XXX');
    case 'z': return offsetText(p.offsetMinutes, 'z');
    default: throw new Error(`Illegal pattern character '${ch}' (ms ${ms})`);
  }
}

/** Java SimpleDateFormat parse for numeric patterns (y M d H m s S and literals). */
export function parseJavaDate(text: string, tz: string, pattern: string): number | null {
  const order: string[] = [];
  let re = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      const lit = end === i + 1 ? "'" : pattern.slice(i + 1, end);
      re += lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) { re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); i++; continue; }
    let n = 1;
    while (pattern[i + n] === ch) n++;
    i += n;
    if (!'yMdHmsS'.includes(ch)) return null;
    order.push(ch);
    re += '(\\d{1,' + Math.max(n, ch === 'y' ? 4 : 2) + '})';
  }
  const m = new RegExp('^' + re + '$').exec(text.trim());
  if (!m) return null;
  const v: Record<string, number> = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 };
  order.forEach((k, j) => { v[k] = Number(m[j + 1]); });
  return zonedToUtc(v.y, v.M, v.d, v.H, v.m, v.s, v.S, tz);
}
