// Chunks sized in cells, and units that run several chunks within a third of the budget
// (src/core/chunking.ts); the chunkRows run option keeps one chunk of that many rows per unit.
import { createEmulator, createSampleWorkbook } from '../../emulator';
import { loadBundle } from '../helpers/bundle';
import { DEFAULT_CHUNK_CELLS, repeatWithin, rowsPerCall, runChunking, unitBudget } from '../../src/core/chunking';
import type { StepResult } from '../../src/core/types';

test('rows per call: as many as fit in the cells, at least one', () => {
  expect(rowsPerCall(200000, 65)).toBe(3076);
  expect(rowsPerCall(200000, 1)).toBe(200000);
  expect(rowsPerCall(200000, 300000)).toBe(1);
  expect(rowsPerCall(200000, 0)).toBe(200000);
});

test('a new run is sized by cells unless it asks for rows', () => {
  expect(runChunking(null, {}, 65)).toEqual({ chunkRows: 3076, chunkCells: DEFAULT_CHUNK_CELLS });
  expect(runChunking(null, { chunkCells: 65000 }, 65)).toEqual({ chunkRows: 1000, chunkCells: 65000 });
  expect(runChunking(100, { chunkCells: 65000 }, 65)).toEqual({ chunkRows: 100 });
});

test('repeatWithin: once without a budget; with one, again while a chunk as slow as the slowest fits', () => {
  let now = 0;
  const env = { now: () => now };
  const step = (n: number) => {
    now += 1000;
    return n + 1;
  };
  expect(repeatWithin(null, 0, step, () => false)).toBe(1);
  // A third of 30 s: 10 s. Each chunk 1 s; another runs while more than 1.5 s are left.
  now = 0;
  const budget = unitBudget({ env, config: { timeBudgetSeconds: 30 }, chunkCells: 200000 });
  expect(repeatWithin(budget, 0, step, () => false)).toBe(9);
  // It stops as soon as there is nothing more to do.
  now = 0;
  expect(repeatWithin(unitBudget({ env, config: { timeBudgetSeconds: 30 }, chunkCells: 1 }), 0, step, (n) => n >= 3)).toBe(3);
  expect(unitBudget({ env, config: { timeBudgetSeconds: 30 } })).toBeNull();
});

test('through the bundle: one unit digests 10,001 rows in 200,000-cell reads; the chunkRows option reads one chunk', () => {
  const emu = createEmulator();
  createSampleWorkbook(emu, { rows: 10000 });
  const b = loadBundle(emu);
  emu.stats.reset();
  const first = b.call<StepResult>('runMigrationStep', { clientId: 'x' });
  expect(first.step).toBe('create_backup');
  expect(first.status.steps[0]).toMatchObject({ state: 'running', rowsDone: 10001, rowsTotal: 10001 });
  // The header, then 4 blocks of at most 3,076 rows × 65 columns (values and formulas).
  expect(emu.stats.calls['Range.getValues']).toBe(1 + 4);
  expect(emu.stats.calls['Range.getFormulas']).toBe(4);

  const emu2 = createEmulator();
  createSampleWorkbook(emu2, { rows: 10000 });
  const r = loadBundle(emu2).call<StepResult>('runMigrationStep', { clientId: 'x', chunkRows: 2000 });
  expect(r.status.steps[0]).toMatchObject({ state: 'running', rowsDone: 2000 });
});
