// Step 3: the schema is v3.0: column count = count before + added (and the configured count
// when set), the v3 names exactly once at the end, and the column map, rebuilt from this
// header row, finds each of them there.
import { ColumnMap } from '../columnMap';
import { columnLetter } from '../preflight';
import { columnsBefore, fail, placed, step } from './types';

export const verifySchema = step(
  'verify_schema',
  'Check the v3 schema',
  (p) => {
    const before = p.layout.columnCountBefore;
    const n = p.config.newColumns.length;
    return [
      `Check (read only) that "${p.config.targetSheet}" has ${before} + ${n} = ${before + n} columns, with ` +
        `${placed(p.config.newColumns.map((c) => c.name), before + 1)} once each, found by the column map.`,
    ];
  },
  (ctx) => {
    const L = ctx.layout;
    const names = ctx.config.newColumns.map((c) => c.name);
    const before = columnsBefore(ctx);
    const expected = before + names.length;
    const planned = ctx.config.expectedColumnCountBefore;
    const failures: string[] = [];
    if (L.headers.length !== expected) failures.push(`the sheet has ${L.headers.length} columns, expected ${before} + ${names.length} = ${expected}`);
    if (planned !== null && expected !== planned + names.length) failures.push(`the plan expects ${planned + names.length} columns after the migration`);
    if (L.v3Missing.length) failures.push(`missing at the end: ${L.v3Missing.join(', ')}`);
    if (L.columnCountBefore !== before) {
      failures.push(`the v3 columns start after column ${columnLetter(L.columnCountBefore)}, not ${columnLetter(before)} as when the migration started`);
    }
    L.problems.forEach((pr) => failures.push(pr.message.replace(/\.$/, '')));

    // Build the map from this header row and look each name up.
    const map = new ColumnMap(L.headers);
    names.forEach((name) => {
      const positions = map.positionsOf(name);
      if (positions.length !== 1) failures.push(`the column map finds "${name}" ${positions.length} times`);
      else if (positions[0] <= before || L.headers[positions[0] - 1] !== name) {
        failures.push(`the column map finds "${name}" at ${columnLetter(positions[0])}, not among the last ${names.length} columns`);
      }
    });

    if (failures.length) return fail(`the v3 schema is not in place: ${failures.join('; ')}`);
    return {
      state: 'done',
      detail: `${expected} columns = ${before} + ${names.length}; ${names.map((n) => `${n} at ${columnLetter(map.indexOf(n))}`).join(', ')}; the column map recognises them.`,
    };
  },
);
