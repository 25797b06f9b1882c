// Rewrites the cell references inside formula text the way Sheets does when rows or columns are
// inserted or deleted, when a formula is copied to another cell, and when a sheet is renamed.
// The emulator never evaluates formulas; it only keeps their text right.
import { columnToLetters, lettersToColumn, quoteSheetName } from './a1';

interface Part { col?: number; colAbs: boolean; row?: number; rowAbs: boolean }
export interface Ref { sheet?: string; a: Part; b?: Part }

// prefix? then: cell[:cell | :col] | col:col | row:row. Not preceded by a name character, not
// followed by one or by '(' (which would make it a function such as LOG10).
const REF = /(?<![A-Za-z0-9_.$'!])((?:'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_.]*)!)?(\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+|:\$?[A-Za-z]{1,3}(?![A-Za-z0-9]))?|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\$?\d+:\$?\d+)(?![A-Za-z0-9_(!])/g;
const PART = /^(\$?)([A-Za-z]{0,3})(\$?)(\d*)$/;

function parsePart(text: string): Part {
  const m = PART.exec(text)!;
  return { colAbs: m[1] === '$' && !!m[2], col: m[2] ? lettersToColumn(m[2]) : undefined, rowAbs: m[3] === '$' || (m[1] === '$' && !m[2]), row: m[4] ? Number(m[4]) : undefined };
}

function formatPart(p: Part): string {
  const c = p.col !== undefined ? (p.colAbs ? '$' : '') + columnToLetters(p.col) : '';
  const r = p.row !== undefined ? (p.rowAbs ? '$' : '') + p.row : '';
  return c + r;
}

function unquote(prefix: string): string {
  const name = prefix.slice(0, -1);
  return name.startsWith("'") ? name.slice(1, -1).replace(/''/g, "'") : name;
}

/** Applies `fn` to every reference outside string literals; `fn` returns the new text or null to keep. */
export function transformRefs(formula: string, fn: (ref: Ref) => string | null): string {
  // Split on string literals ("..." with "" escapes) and rewrite only the code segments.
  return formula.replace(/("(?:[^"]|"")*")|([^"]+)/g, (_m, str: string | undefined, code: string | undefined) => {
    if (str !== undefined) return str;
    return code!.replace(REF, (whole, prefix: string | undefined, body: string) => {
      const [pa, pb] = body.split(':');
      const ref: Ref = { sheet: prefix ? unquote(prefix) : undefined, a: parsePart(pa), b: pb !== undefined ? parsePart(pb) : undefined };
      const out = fn(ref);
      return out === null ? whole : out;
    });
  });
}

export function formatRef(ref: Ref): string {
  const prefix = ref.sheet !== undefined ? `${quoteSheetName(ref.sheet)}!` : '';
  return prefix + formatPart(ref.a) + (ref.b ? ':' + formatPart(ref.b) : '');
}

type Dim = 'row' | 'col';

/** Rows/columns `at..at+count-1` inserted (count > 0) or deleted (count < 0) in `sheetName`. */
export function shiftForStructure(formula: string, formulaSheet: string, sheetName: string, dim: Dim, at: number, count: number): string {
  return transformRefs(formula, (ref) => {
    const target = ref.sheet ?? formulaSheet;
    if (target !== sheetName) return null;
    const s = ref.a[dim];
    const e = ref.b ? ref.b[dim] : s;
    if (s === undefined || e === undefined) return null; // A:C is untouched by row edits, 2:5 by column edits
    let ns: number;
    let ne: number;
    if (count > 0) {
      ns = s >= at ? s + count : s;
      ne = e >= at ? e + count : e;
    } else {
      const n = -count;
      const last = at + n - 1;
      ns = s < at ? s : s > last ? s - n : at;
      ne = e < at ? e : e > last ? e - n : at - 1;
      if (ne < ns) return '#REF!';
    }
    if (ns === s && ne === e) return null;
    const out: Ref = { sheet: ref.sheet, a: { ...ref.a, [dim]: ns }, b: ref.b ? { ...ref.b, [dim]: ne } : undefined };
    return formatRef(out);
  });
}

/** A formula copied by (dRow, dCol): relative parts move, absolute ($) parts stay. */
export function shiftForCopy(formula: string, dRow: number, dCol: number): string {
  if (dRow === 0 && dCol === 0) return formula;
  return transformRefs(formula, (ref) => {
    const move = (p: Part): Part | null => {
      const q = { ...p };
      if (q.row !== undefined && !q.rowAbs) q.row += dRow;
      if (q.col !== undefined && !q.colAbs) q.col += dCol;
      if ((q.row !== undefined && q.row < 1) || (q.col !== undefined && q.col < 1)) return null;
      return q;
    };
    const a = move(ref.a);
    const b = ref.b ? move(ref.b) : undefined;
    if (!a || b === null) return '#REF!';
    return formatRef({ sheet: ref.sheet, a, b });
  });
}

/** Sheet renamed: references that name it follow the new name. */
export function renameSheetRefs(formula: string, oldName: string, newName: string): string {
  return transformRefs(formula, (ref) => (ref.sheet === oldName ? formatRef({ ...ref, sheet: newName }) : null));
}
