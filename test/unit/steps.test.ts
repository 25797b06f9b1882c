// Each step on its own, against emulator objects: one bounded unit per call, resumable from
// the checkpoint it returns, idempotent, and never writing what it must not.
import { createEmulator, createSampleWorkbook, Emulator } from '../../emulator';
import rawConfig from '../../src/migration.config.json';
import { parseConfig } from '../../src/core/config';
import { Env, SheetLike, SpreadsheetLike } from '../../src/core/gas';
import { MigrationLog } from '../../src/core/log';
import { analyzeHeader, readHeaderRow } from '../../src/core/preflight';
import { BackupRecord, RunState, StateStore, StepCheckpoint } from '../../src/core/state';
import { STEPS } from '../../src/core/steps';
import { groupRows, sampleRows } from '../../src/core/steps/testSmoke';
import { mulberry32 } from '../../src/core/random';
import { Step, StepOutcome } from '../../src/core/steps/types';
import { emuEnv } from '../helpers/emuEnv';

const config = parseConfig(rawConfig);

interface Harness {
  emu: Emulator;
  ss: SpreadsheetLike;
  sheet: () => SheetLike;
  run: RunState;
  store: StateStore;
  config: typeof config;
  /** One unit of `step` in its own execution; applies the outcome to the checkpoint like the coordinator. */
  unit(step: Step, chunkRows?: number, chunkCells?: number): StepOutcome;
  /** Units until done or failed. */
  all(step: Step, chunkRows?: number): { outcome: StepOutcome; units: number };
}

function harness(rows = 250, opts: Parameters<typeof createSampleWorkbook>[1] = {}): Harness {
  const emu = createEmulator();
  const ss = createSampleWorkbook(emu, { rows, ...opts }) as unknown as SpreadsheetLike;
  const env: Env = emuEnv(emu);
  const store = new StateStore(env.documentProperties());
  const sheet = () => ss.getSheetByName('Operaciones') as SheetLike;
  const layout0 = analyzeHeader(readHeaderRow(sheet(), 1), config);
  const h: Harness = {
    emu,
    ss,
    sheet,
    store,
    config,
    run: { v: 1, runId: 'r', startedAt: '', startedBy: 'owner@example.com', columnCountBefore: layout0.columnCountBefore, steps: {}, chunkRows: 100 },
    unit(step, chunkRows = 100, chunkCells) {
      return emu.runExecution(() => {
        const e = emuEnv(emu);
        const layout = analyzeHeader(readHeaderRow(sheet(), 1), config);
        const cp: StepCheckpoint = h.run.steps[step.id] || { state: 'pending' };
        const o = step.run(
          { env: e, config: h.config, store, log: new MigrationLog(e, e.documentProperties()), ss, sheet: sheet(), layout, run: h.run, backup: store.readBackup(), history: [], chunkRows, chunkCells },
          cp,
        );
        h.run.steps[step.id] = { state: o.state, detail: o.detail, cursor: o.cursor, data: o.data || cp.data };
        return o;
      });
    },
    all(step, chunkRows = 100) {
      for (let units = 1; units < 500; units++) {
        const outcome = h.unit(step, chunkRows);
        if (outcome.state !== 'running') return { outcome, units };
      }
      throw new Error('step never finished');
    },
  };
  return h;
}

function column(h: Harness, name: string): unknown[] {
  const s = h.sheet();
  const header = s.getRange(1, 1, 1, s.getLastColumn()).getValues()[0];
  const c = header.indexOf(name) + 1;
  return s.getRange(2, c, s.getLastRow() - 1, 1).getValues().map((r) => r[0]);
}

describe('sampling for the smoke test', () => {
  test('mulberry32 is deterministic per seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mulberry32(43)()).not.toBe(xs[0]);
  });
  test('sampleRows: distinct, sorted, in range, repeatable; all rows when fewer than asked', () => {
    const rows = sampleRows(1234, 2, 2501, 10);
    expect(rows).toHaveLength(10);
    expect(new Set(rows).size).toBe(10);
    expect(rows).toEqual(rows.slice().sort((x, y) => x - y));
    expect(rows.every((r) => r >= 2 && r <= 2501)).toBe(true);
    expect(sampleRows(1234, 2, 2501, 10)).toEqual(rows);
    expect(sampleRows(9, 2, 6, 10)).toEqual([2, 3, 4, 5, 6]);
    expect(sampleRows(9, 2, 1, 10)).toEqual([]);
  });
  test('groupRows joins close rows into one read', () => {
    expect(groupRows([5, 6, 20, 100, 105], 16)).toEqual([[5, 16], [100, 6]]);
  });
});

describe('create_backup', () => {
  test('digest of the source in chunks, copy, digest of the copy, then the record', () => {
    const h = harness(250);
    const phases: string[] = [];
    let o: StepOutcome;
    do {
      o = h.unit(STEPS.create_backup);
      phases.push(o.state === 'running' ? String(o.cursor!.phase) : o.state);
    } while (o.state === 'running');
    // 251 rows in chunks of 100: three units per digest.
    expect(phases).toEqual(['digest-source', 'digest-source', 'copy', 'digest-copy', 'digest-copy', 'digest-copy', 'done']);
    const b = h.store.readBackup() as BackupRecord;
    expect(b).toMatchObject({ columnCount: 65, lastRow: 251, chunkRows: 100, sheetName: 'Operaciones', spreadsheetId: h.ss.getId() });
    expect(o.detail).toMatch(/created and proved equal to "Operaciones" \(251 rows × 65 columns\)/);
    expect(h.emu.files().filter((f) => !f.isTrashed())).toHaveLength(2);
    expect(h.emu.getFile(b.id)!.getName()).toBe(b.name);

    // Run again from scratch: same data, existing backup proved, no second copy.
    h.run.steps = {};
    const again = h.all(STEPS.create_backup).outcome;
    expect(again.detail).toMatch(/Kept the existing backup/);
    expect(h.emu.files()).toHaveLength(2);
    expect(h.store.readBackup()).toEqual(b);
  });

  test('the sheet edited between the source digest and the copy: the copy is trashed and the step fails clearly', () => {
    const h = harness(150);
    let o = h.unit(STEPS.create_backup);
    while (o.state === 'running' && o.cursor!.phase === 'digest-source') o = h.unit(STEPS.create_backup);
    expect(o.cursor!.phase).toBe('copy');
    (h.sheet().getRange(40, 3, 1, 1) as any).setValue('edited meanwhile');
    const final = h.all(STEPS.create_backup).outcome;
    expect(final.state).toBe('failed');
    expect(final.detail).toMatch(/does not equal "Operaciones": its digest differs from the source/);
    expect(final.detail).toMatch(/moved to the Drive trash; the sheet itself was not changed\. Ask others to stop editing, then run again/);
    expect(final.cursor).toBeUndefined();
    expect(h.emu.files().filter((f) => f.isTrashed())).toHaveLength(1);
    expect(h.store.readBackup()).toBeNull();
    // A re-run starts over from the source digest and succeeds.
    h.run.steps = {};
    expect(h.all(STEPS.create_backup).outcome.state).toBe('done');
  });

  test('a configured backup folder receives the copy', () => {
    const h = harness(20);
    const folder = (h.emu.globals() as any).DriveApp.createFolder('Backups');
    h.config = { ...config, backupFolderId: folder.getId() as string };
    expect(h.all(STEPS.create_backup).outcome.state).toBe('done');
    const b = h.store.readBackup() as BackupRecord;
    const files = folder.getFiles();
    expect(files.hasNext()).toBe(true);
    expect(files.next().getId()).toBe(b.id);
  });

  test('with v3 columns present, the recorded v2.1 backup is kept; a trashed one stops the step', () => {
    const h = harness(50);
    h.all(STEPS.create_backup);
    const b = h.store.readBackup() as BackupRecord;
    h.all(STEPS.add_v3_columns);
    h.run.steps = {};
    const kept = h.all(STEPS.create_backup);
    expect(kept.units).toBe(1);
    expect(kept.outcome.detail).toMatch(/Kept the v2.1 backup ".*" taken .*: the sheet already has v3 columns/);
    expect(h.store.readBackup()).toEqual(b);
    h.emu.getFile(b.id)!.setTrashed(true);
    h.run.steps = {};
    const lost = h.all(STEPS.create_backup).outcome;
    expect(lost.state).toBe('failed');
    expect(lost.detail).toMatch(/missing or in the trash.*Restore that file from the Drive trash/);
    expect(h.store.readBackup()).toEqual(b);
  });
});

describe('add_v3_columns', () => {
  test('appends in order, grows the grid once, idempotent when run twice', () => {
    const h = harness(30);
    expect(h.sheet().getMaxColumns()).toBe(65);
    const o = h.unit(STEPS.add_v3_columns);
    expect(o.detail).toBe('Added Ocupado_Por at BN, Fecha_Ocupacion at BO, version at BP (65 → 68 columns).');
    const again = h.unit(STEPS.add_v3_columns);
    expect(again.detail).toMatch(/already|in place/);
    expect(h.sheet().getMaxColumns()).toBe(68);
    expect(h.sheet().getRange(1, 64, 1, 5).getValues()[0]).toEqual(['Precio Total', 'FLAG', 'Ocupado_Por', 'Fecha_Ocupacion', 'version']);
  });

  test('after a crash between growing the grid and writing the headers, it does not grow again', () => {
    const h = harness(30);
    (h.sheet() as any).insertColumnsAfter(65, 3);
    h.emu.stats.reset();
    h.unit(STEPS.add_v3_columns);
    expect(h.emu.stats.calls['Sheet.insertColumnsAfter']).toBeUndefined();
    expect(h.sheet().getMaxColumns()).toBe(68);
    expect(h.sheet().getRange(1, 66, 1, 3).getValues()[0]).toEqual(['Ocupado_Por', 'Fecha_Ocupacion', 'version']);
  });
});

describe('verify_schema', () => {
  test('passes on the v3 schema, fails naming what is wrong', () => {
    const h = harness(10);
    expect(h.unit(STEPS.verify_schema).state).toBe('failed');
    h.unit(STEPS.add_v3_columns);
    const ok = h.unit(STEPS.verify_schema);
    expect(ok.state).toBe('done');
    expect(ok.detail).toMatch(/68 columns = 65 \+ 3; Ocupado_Por at BN, Fecha_Ocupacion at BO, version at BP; the column map recognises them/);
    h.run.columnCountBefore = 64;
    const bad = h.unit(STEPS.verify_schema);
    expect(bad.state).toBe('failed');
    expect(bad.detail).toMatch(/has 68 columns, expected 64 \+ 3 = 67/);
  });
});

describe('initialize_versions', () => {
  test('chunk by chunk: one read then one write per chunk, resumable, version 0 on every row', () => {
    const h = harness(250);
    h.unit(STEPS.add_v3_columns);
    h.emu.stats.reset();
    const first = h.unit(STEPS.initialize_versions);
    expect(first.state).toBe('running');
    expect(first.cursor).toMatchObject({ nextRow: 102, lastRow: 251 });
    expect(first.rowsDone).toBe(100);
    expect(first.rowsTotal).toBe(250);
    // The unit's one header read, then the chunk's one read and one write.
    expect(h.emu.stats.calls['Range.getValues']).toBe(2);
    expect(h.emu.stats.calls['Range.setValues']).toBe(1);
    const rest = h.all(STEPS.initialize_versions);
    expect(rest.units).toBe(2);
    expect(rest.outcome.detail).toBe('version = 0 on 250 rows (rows 2–251).');
    expect(rest.outcome.data).toMatchObject({ rowsInitialized: 250, written: 250, alreadySet: 0, kept: 0 });
    expect(column(h, 'version').every((v) => v === 0)).toBe(true);
  });

  test('rows appended while the step runs get their value too', () => {
    const h = harness(250);
    h.unit(STEPS.add_v3_columns);
    h.unit(STEPS.initialize_versions);
    (h.sheet() as any).appendRow(['new row', 1, 2]);
    const o = h.all(STEPS.initialize_versions).outcome;
    expect(o.detail).toBe('version = 0 on 251 rows (rows 2–252).');
    expect(column(h, 'version')).toHaveLength(251);
    expect(column(h, 'version').every((v) => v === 0)).toBe(true);
  });

  test('rows appended between units get their value, also when a resumed unit runs through to the end', () => {
    const h = harness(250);
    h.unit(STEPS.add_v3_columns);
    // Sized by cells: 20-row chunks, as many per unit as its budget allows. A unit with no
    // time runs its first chunk only; the next, with plenty, runs to the end.
    h.config = { ...config, timeBudgetSeconds: 0.001 };
    expect(h.unit(STEPS.initialize_versions, 100, 20).cursor).toMatchObject({ nextRow: 22, lastRow: 251 });
    (h.sheet() as any).appendRow(['new row', 1, 2]);
    h.config = { ...config, timeBudgetSeconds: 300 };
    const o = h.unit(STEPS.initialize_versions, 100, 20);
    expect(o.state).toBe('done');
    expect(o.detail).toBe('version = 0 on 251 rows (rows 2–252).');
    expect(column(h, 'version')).toHaveLength(251);
    expect(column(h, 'version').every((v) => v === 0)).toBe(true);
  });

  test('a value already there is never overwritten: counted and reported', () => {
    const h = harness(120);
    h.unit(STEPS.add_v3_columns);
    const s = h.sheet() as any;
    s.getRange(10, 68, 1, 1).setValue(7);
    s.getRange(11, 68, 1, 1).setValue('x');
    s.getRange(50, 68, 1, 1).setValue(0);
    const o = h.all(STEPS.initialize_versions).outcome;
    expect(o.data).toMatchObject({ kept: 2, alreadySet: 1, written: 117, rowsInitialized: 118 });
    expect(o.detail).toMatch(/2 rows already held another value, left as is/);
    const v = column(h, 'version');
    expect(v[8]).toBe(7);
    expect(v[9]).toBe('x');
    expect(v.filter((x) => x === 0)).toHaveLength(118);
  });
});

describe('test_smoke', () => {
  function migrated(rows: number): Harness {
    const h = harness(rows);
    h.all(STEPS.create_backup);
    h.all(STEPS.add_v3_columns);
    h.all(STEPS.initialize_versions);
    return h;
  }

  test('sample then chunked digest; seed and rows recorded', () => {
    const h = migrated(250);
    const sample = h.unit(STEPS.test_smoke);
    expect(sample.state).toBe('running');
    expect(sample.detail).toMatch(/10 sampled rows \(seed \d+\) match the backup/);
    const seed = sample.data!.seed as number;
    expect(String(sample.data!.sampleRows).split(',').map(Number)).toEqual(sampleRows(seed, 2, 251, 10));
    const done = h.all(STEPS.test_smoke);
    expect(done.units).toBe(3);
    expect(done.outcome.state).toBe('done');
    expect(done.outcome.detail).toMatch(new RegExp(`10 random rows \\(seed ${seed}\\) checked`));
  });

  test('an empty version cell or a v2.1 cell that differs from the backup fails the sample', () => {
    const h = migrated(30);
    const b = h.store.readBackup() as BackupRecord;
    const backupSheet = h.emu.getSpreadsheet(b.id)!.getSheetByName('Operaciones') as any;
    // 29 of 30 rows are sampled (sample size 10 of rows 2..31 misses some): change every row.
    backupSheet.getRange(2, 2, 30, 1).setValue('changed in the backup');
    const o = h.unit(STEPS.test_smoke);
    expect(o.state).toBe('failed');
    expect(o.detail).toMatch(/found \d+ differences: row \d+, column B \(.*\): backup "changed in the backup", now /);

    const h2 = migrated(30);
    (h2.sheet() as any).getRange(2, 68, 30, 1).setValue('');
    const o2 = h2.unit(STEPS.test_smoke);
    expect(o2.state).toBe('failed');
    expect(o2.detail).toMatch(/version is \(empty\), expected 0/);
  });

  test('a v2.1 change outside the sample is caught by the digest', () => {
    const h = migrated(250);
    const sample = h.unit(STEPS.test_smoke);
    const sampled = String(sample.data!.sampleRows).split(',').map(Number);
    const row = [3, 4, 5, 6, 7].find((r) => !sampled.includes(r)) as number;
    (h.sheet() as any).getRange(row, 5, 1, 1).setValue('late edit');
    const o = h.all(STEPS.test_smoke).outcome;
    expect(o.state).toBe('failed');
    expect(o.detail).toMatch(/no longer equal the backup .* \(their digests differ\)/);
  });
});
