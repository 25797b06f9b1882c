// Step 2: append the missing v3 columns after the last column, in plan order. Idempotent by
// construction: everything is derived from the header row read in this unit, so a re-run,
// or a resume after a crash between growing the grid and writing the headers, adds each
// name exactly once and never grows the grid twice.
import { cellLimitProblem, columnLetter } from '../preflight';
import { fail, placed, plural, step } from './types';

export const addV3Columns = step(
  'add_v3_columns',
  'Add the v3 columns',
  (p) => {
    const L = p.layout;
    const n = L.headers.length;
    if (!L.v3Missing.length) return [`Nothing to add: ${L.v3Present.join(', ')} are already the last columns.`];
    const changes = [`Add ${placed(L.v3Missing, n + 1)} after ${columnLetter(n)} "${L.headers[n - 1]}" (${n} → ${n + L.v3Missing.length} columns).`];
    if (L.v3Present.length) changes.push(`Keep ${L.v3Present.join(', ')}, already at the end.`);
    if (p.growColumns > 0) changes.push(`Grow the grid by ${plural(p.growColumns, 'column')} first (it has ${p.maxColumns}).`);
    return changes;
  },
  (ctx) => {
    const L = ctx.layout;
    const data = { preexisting: L.v3Present.join(', '), added: L.v3Missing.join(', ') };
    if (!L.v3Missing.length) return { state: 'done', detail: `The v3 columns are in place: ${placed(L.v3Present, L.columnCountBefore + 1)}.`, data };
    const start = L.headers.length + 1;
    const needed = L.headers.length + L.v3Missing.length;
    const maxColumns = ctx.sheet.getMaxColumns();
    if (needed > maxColumns) {
      const limit = cellLimitProblem(ctx.ss, ctx.sheet, needed - maxColumns, ctx.config.targetSheet);
      if (limit) return fail(limit.message.replace(/\.$/, ''));
      ctx.sheet.insertColumnsAfter(maxColumns, needed - maxColumns);
    }
    ctx.sheet.getRange(ctx.config.headerRow, start, 1, L.v3Missing.length).setValues([L.v3Missing.slice()]);
    return {
      state: 'done',
      detail: `Added ${placed(L.v3Missing, start)} (${L.headers.length} → ${needed} columns).`,
      data,
      headers: L.headers.concat(L.v3Missing),
    };
  },
  (cp) => {
    const added = cp.data && typeof cp.data.added === 'string' ? cp.data.added : '';
    return cp.state === 'done' && added ? `the columns ${added} were added` : null;
  },
);
