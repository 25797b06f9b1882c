// Step 2: append the missing v3 columns after the last column, in plan order. Idempotent by
// construction: everything is derived from the header row read in this unit, so a re-run,
// or a resume after a crash between growing the grid and writing the headers, adds each
// name exactly once and never grows the grid twice.
import { invalidateColumnMap } from '../columnMap';
import { cellLimitProblem, columnLetter } from '../preflight';
import { Step } from './types';

export const addV3Columns: Step = {
  id: 'add_v3_columns',
  title: 'Add the v3 columns',

  plan(p) {
    const L = p.layout;
    const changes: string[] = [];
    if (L.v3Missing.length === 0) {
      changes.push(`Nothing to add: ${L.v3Present.join(', ')} are already the last columns.`);
    } else {
      const start = L.headers.length + 1;
      const where = L.v3Missing.map((name, i) => `${columnLetter(start + i)} "${name}"`).join(', ');
      changes.push(
        `Add ${where} after ${columnLetter(L.headers.length)} "${L.headers[L.headers.length - 1]}" (${L.headers.length} → ${L.headers.length + L.v3Missing.length} columns), writing the ${L.v3Missing.length === 1 ? 'header' : 'headers'} in one call.`,
      );
      if (L.v3Present.length) changes.push(`Keep ${L.v3Present.join(', ')}, already at the end.`);
      if (p.growColumns > 0) changes.push(`Grow the grid by ${p.growColumns} column${p.growColumns > 1 ? 's' : ''} first (it has ${p.maxColumns}).`);
    }
    return { id: 'add_v3_columns', title: this.title, changes };
  },

  changed(cp) {
    const added = cp.data && typeof cp.data.added === 'string' ? cp.data.added : '';
    return cp.state === 'done' && added ? `the columns ${added} were added` : null;
  },

  run(ctx) {
    const L = ctx.layout;
    if (L.v3Missing.length === 0) {
      const first = L.columnCountBefore + 1;
      return {
        state: 'done',
        detail: `The v3 columns are in place: ${L.v3Present.map((n, i) => `${n} at ${columnLetter(first + i)}`).join(', ')}.`,
        data: { preexisting: L.v3Present.join(', '), added: '' },
      };
    }
    const start = L.headers.length + 1;
    const needed = L.headers.length + L.v3Missing.length;
    const maxColumns = ctx.sheet.getMaxColumns();
    if (needed > maxColumns) {
      const limit = cellLimitProblem(ctx.ss, ctx.sheet, needed - maxColumns, ctx.config.targetSheet);
      if (limit) return { state: 'failed', detail: limit.message.replace(/\.$/, '') };
      ctx.sheet.insertColumnsAfter(maxColumns, needed - maxColumns);
    }
    ctx.sheet.getRange(ctx.config.headerRow, start, 1, L.v3Missing.length).setValues([L.v3Missing.slice()]);
    // The header row changed: a cached map of the old one must never be served.
    invalidateColumnMap(ctx.env.documentCache());
    const where = L.v3Missing.map((name, i) => `${name} at ${columnLetter(start + i)}`).join(', ');
    return {
      state: 'done',
      detail: `Added ${where} (${L.headers.length} → ${needed} columns).`,
      data: { preexisting: L.v3Present.join(', '), added: L.v3Missing.join(', ') },
      headers: L.headers.concat(L.v3Missing),
    };
  },
};
