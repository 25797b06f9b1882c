// The migration through the built bundle, in the emulator, the way the sidebar and the script
// editor call it: each call one execution, results crossing as JSON.
import { createEmulator, createSampleWorkbook, Emulator } from '../../emulator';
import { loadBundle, Bundle } from '../helpers/bundle';
import { spreadsheetTime } from '../helpers/emuEnv';
import { bookSnapshot, docProps, fullState, json, operaciones, setDocProp, sheetSnapshot } from '../helpers/workbookState';
import type { MigrationReport, Status, StepResult, LogEntry } from '../../src/core/types';
import { SAMPLE_FIXTURE as fixture } from '../../emulator/sampleWorkbook';
import { actionRules } from '../../sidebar/rules';

const V3 = ['Ocupado_Por', 'Fecha_Ocupacion', 'version'];
const OWNER = 'owner@example.com';

interface World {
  emu: Emulator;
  b: Bundle;
  id: string;
}

function world(opts: Parameters<typeof createSampleWorkbook>[1] = {}): World {
  const emu = createEmulator();
  const ss = createSampleWorkbook(emu, { rows: 2500, ...opts });
  return { emu, b: loadBundle(emu), id: ss.getId() };
}

/** runMigration until complete (each call one execution); returns every report. */
function migrate(w: World, options: Record<string, unknown> = {}, maxCalls = 20): MigrationReport[] {
  const reports: MigrationReport[] = [];
  for (let i = 0; i < maxCalls; i++) {
    // force restarts: only the first call may carry it.
    const r = w.b.call<MigrationReport>('runMigration', i === 0 ? options : { ...options, force: false });
    reports.push(r);
    if (!r.ok || r.complete) return reports;
  }
  throw new Error(`not complete after ${maxCalls} calls: ${reports[reports.length - 1].message}`);
}

/** The v2.1 part of Operaciones (columns 1..n) with its formulas. */
function v21Part(w: World, n: number, fileId = w.id) {
  const s = sheetSnapshot(operaciones(w.emu, fileId), n);
  return { values: s.values, formulas: s.formulas };
}

function header(w: World): string[] {
  const s = operaciones(w.emu, w.id);
  return (s.getRange(1, 1, 1, s.getMaxColumns()).getValues()[0] as string[]).filter((h) => h !== '');
}

function versionColumn(w: World): unknown[] {
  const s = operaciones(w.emu, w.id);
  const h = header(w);
  const c = h.indexOf('version') + 1;
  const last = s.getMaxRows();
  return s.getRange(2, c, last - 1, 1).getValues().map((r) => r[0]);
}

function expectMigrated(w: World, columnsBefore: string[], original: ReturnType<typeof v21Part>, rows: number) {
  const n = columnsBefore.length;
  expect(header(w)).toEqual(columnsBefore.concat(V3));
  const versions = versionColumn(w);
  expect(versions).toHaveLength(rows);
  expect(versions.every((v) => v === 0)).toBe(true);
  const s = operaciones(w.emu, w.id);
  const empties = s.getRange(2, n + 1, rows, 2).getValues();
  expect(empties.every((r) => r[0] === '' && r[1] === '')).toBe(true);
  // v2.1 intact: equal to the original, and the backup equals the original too.
  expect(v21Part(w, n)).toEqual(original);
  const props = docProps(w.emu);
  const backup = json(props, 'sm.backup');
  expect(backup).not.toBeNull();
  expect(v21Part(w, n, backup.id)).toEqual(original);
  expect(w.emu.getFile(backup.id)!.isTrashed()).toBe(false);
  expect(props['sm.run']).toBeUndefined();
  expect(props['sm.lease']).toBeUndefined();
  const history = json(props, 'sm.history').entries;
  expect(history[history.length - 1]).toMatchObject({ kind: 'migration', from: '2.1', to: '3.0', by: OWNER, backupId: backup.id, rowsWritten: rows, digest: backup.digest });
  expect(s.getProtections('SHEET')).toHaveLength(0);
}

describe('full migration', () => {
  test('2,500 × 65 → 68 columns, version 0 on every row, v2.1 intact and proved against the backup', () => {
    const w = world();
    const original = v21Part(w, 65);
    const before = docProps(w.emu);
    expect(before).toEqual({});
    const reports = migrate(w);
    const last = reports[reports.length - 1];
    expect(last.ok).toBe(true);
    expect(last.complete).toBe(true);
    expect(last.steps.map((s) => s.state)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(last.rowsWritten).toBe(2500);
    expect(typeof last.smokeSeed).toBe('number');
    expect(last.verification && last.verification.ok).toBe(true);
    expect(last.backup && last.backup.url).toMatch(/^https:\/\/docs.google.com\/spreadsheets\/d\//);
    expect(last.message).toMatch(/68 columns \(65 \+ 3\)/);
    expectMigrated(w, fixture.columns, original, 2500);

    const status = w.b.call<Status>('getMigrationStatus');
    expect(status.migrated).toBe(true);
    expect(status.columnCount).toBe(68);
    expect(status.progress).toEqual({ done: 5, total: 5 });
    expect(status.backup && status.backup.name).toMatch(/_v2\.1_backup_\d{8}_\d{6}$/);
    expect(Date.parse(status.rollbackAvailableUntil as string) - w.emu.clock.now()).toBeGreaterThan(6.9 * 86400000);
    expect(status.rollbackDeadline).toBe(status.rollbackAvailableUntil);
    expect(status.running).toBeNull();
    // Each finished step keeps a line of its own (not one closing note five times), with its time.
    const details = status.steps.map((s) => s.detail || '');
    expect(new Set(details).size).toBe(5);
    details.forEach((d) => expect(d).toMatch(/Took \d+(\.\d)? (ms|s)\.$|Took \d+ min \d+ s\.$/));
    expect(details[0]).toContain(`Whole file copied to "${status.backup!.name}"`);
    expect(details[3]).toMatch(/^version = 0 on 2,500 rows\./);
    expect(details[4]).toMatch(/v2\.1 data proved equal to the backup; migration completed by owner@example\.com\./);
    // Times in the prose are the spreadsheet's, named; the JSON fields stay ISO.
    expect(last.message).toContain(`Roll back is possible until ${spreadsheetTime(status.rollbackAvailableUntil as string)}.`);
    expect(last.message).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);

    // Once the 7-day window has passed: no rollback, but the deadline stays, to say when it ended.
    w.emu.clock.advance(8 * 86400000);
    const later = w.b.call<Status>('getMigrationStatus');
    expect(later.rollbackAvailableUntil).toBeNull();
    expect(later.rollbackDeadline).toBe(status.rollbackAvailableUntil);

    // Every run is logged, persisted, readable after the fact.
    const log = w.b.call<{ entries: LogEntry[] }>('getMigrationLog').entries;
    expect(log.map((e) => e.step)).toEqual(expect.arrayContaining(['create_backup', 'add_v3_columns', 'verify_schema', 'initialize_versions', 'test_smoke']));
    expect(log[log.length - 1].message).toMatch(/complete/);
    // No execution came near the 6-minute limit.
    expect(w.emu.stats.executions.every((e) => e.ok && e.modelledMs < 60000)).toBe(true);
  });

  test('nothing is hard-coded: a 71-column sheet becomes 74 columns', () => {
    const w = world({ columns: 71, rows: 300 });
    const cols = header(w);
    expect(cols).toHaveLength(71);
    const original = v21Part(w, 71);
    const last = migrate(w).pop()!;
    expect(last.ok && last.complete).toBe(true);
    expectMigrated(w, cols, original, 300);
    expect(w.b.call<Status>('getMigrationStatus').columnCount).toBe(74);
  });

  test('runMigrationStep: one unit per call, progress inside long steps, then complete with a report', () => {
    const w = world({ rows: 500 });
    const results: StepResult[] = [];
    for (let i = 0; i < 40; i++) {
      const r = w.b.call<StepResult>('runMigrationStep', { clientId: 'sidebar-1', chunkRows: 100 });
      results.push(r);
      expect(r.ok).toBe(true);
      if (r.complete) break;
    }
    const last = results[results.length - 1];
    expect(last.complete).toBe(true);
    expect(last.report && last.report.steps.every((s) => s.state === 'done')).toBe(true);
    expect(last.status.migrated).toBe(true);
    expect(last.status.columnCount).toBe(68);
    expect(last.status.progress).toEqual({ done: 5, total: 5 });
    // Long steps report rows done of rows total along the way.
    const inInit = results.filter((r) => r.step === 'initialize_versions' && !r.complete);
    expect(inInit.length).toBeGreaterThanOrEqual(5);
    const progress = inInit.map((r) => r.status.steps[3]).filter((s) => s.state === 'running');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((s) => s.rowsTotal === 500 && (s.rowsDone as number) < 500)).toBe(true);
    // While it ran, the sidebar's own lease is not shown as someone else running.
    expect(results.every((r) => r.status.running === null)).toBe(true);
    expect(results.length).toBeGreaterThan(20);
  });
});

describe('re-runs, dry runs, partial states', () => {
  test('idempotent re-run: a second run changes nothing; force re-runs every step without duplicating anything', () => {
    const w = world({ rows: 400 });
    migrate(w);
    const after = fullState(w.emu);
    const again = w.b.call<MigrationReport>('runMigration');
    expect(again.ok).toBe(true);
    expect(again.complete).toBe(true);
    expect(again.message).toMatch(/already migrated/);
    expect(again.message).toMatch(/: completed on \d{1,2} \w{3} \d{4}, \d\d:\d\d \(America\/Santiago\) by owner@example\.com\. Nothing was changed\./);
    const now = fullState(w.emu);
    const noLog = (p: Record<string, string>) => Object.fromEntries(Object.entries(p).filter(([k]) => !k.startsWith('sm.log')));
    expect(now.files).toEqual(after.files);
    expect(noLog(now.props)).toEqual(noLog(after.props));

    const backupBefore = docProps(w.emu)['sm.backup'];
    const forced = migrate(w, { force: true }).pop()!;
    expect(forced.ok && forced.complete).toBe(true);
    expect(forced.steps.every((s) => s.state === 'done')).toBe(true);
    // Every row already held version 0: the forced run wrote none and says so.
    expect(forced.rowsWritten).toBe(0);
    expect(forced.steps[0].detail).toMatch(/Kept the v2.1 backup/);
    // Same cells everywhere, same files (no new backup), the v2.1 backup record unchanged.
    expect(fullState(w.emu).files).toEqual(after.files);
    expect(docProps(w.emu)['sm.backup']).toBe(backupBefore);
    expect(header(w).filter((h) => V3.includes(h))).toEqual(V3);
    // A forced re-run does not move the rollback window.
    const h = json(docProps(w.emu), 'sm.history').entries;
    expect(h).toHaveLength(2);
    expect(h[1].rollbackUntil).toBe(h[0].rollbackUntil);
  });

  test('dry run in the middle of a run: finished steps say "Already done" with their detail, the rest describe their work', () => {
    const w = world({ rows: 400 });
    let r = w.b.call<StepResult>('runMigrationStep', { clientId: 'sb' });
    while (r.ok && r.status.steps[1].state !== 'done') r = w.b.call<StepResult>('runMigrationStep', { clientId: 'sb' });
    expect(r.status.steps.map((s) => s.state)).toEqual(['done', 'done', 'pending', 'pending', 'pending']);
    const dry = w.b.call<StepResult>('runMigrationStep', { dryRun: true, clientId: 'sb' });
    const changes = dry.plan!.map((p) => p.changes.join(' '));
    expect(changes[0]).toBe(`Already done: ${r.status.steps[0].detail}.`);
    expect(changes[1]).toBe(`Already done: ${r.status.steps[1].detail}.`);
    expect(changes.slice(2).some((c) => c.startsWith('Already done'))).toBe(false);
    expect(changes[3]).toMatch(/version \(column BP\) = 0 on 400 rows/);
  });

  test('dry run: plan only, zero side effects (properties, files, cells); then a real run that skips nothing', () => {
    const w = world({ rows: 400 });
    const before = fullState(w.emu);
    const dry = w.b.call<StepResult>('runMigrationStep', { dryRun: true, clientId: 'sb' });
    expect(dry.ok).toBe(true);
    expect(dry.dryRun).toBe(true);
    expect(dry.plan!.map((p) => p.id)).toEqual(['create_backup', 'add_v3_columns', 'verify_schema', 'initialize_versions', 'test_smoke']);
    const text = dry.plan!.map((p) => p.changes.join(' ')).join('\n');
    expect(text).toMatch(/Add Ocupado_Por at BN, Fecha_Ocupacion at BO, version at BP after/);
    expect(text).toMatch(/version \(column BP\) = 0 on 400 rows/);
    expect(text).toMatch(/_v2\.1_backup_\d{8}_\d{6}/);
    expect(dry.logEntries!.length).toBeGreaterThan(0);
    const dry2 = w.b.call<MigrationReport>('runMigration', { dryRun: true });
    expect(dry2.plan).toHaveLength(5);
    expect(fullState(w.emu)).toEqual(before);
    expect(w.emu.lockHolder(`document:${w.id}`)).toBeNull();

    const real = migrate(w).pop()!;
    expect(real.steps.map((s) => [s.id, s.state])).toEqual([
      ['create_backup', 'done'],
      ['add_v3_columns', 'done'],
      ['verify_schema', 'done'],
      ['initialize_versions', 'done'],
      ['test_smoke', 'done'],
    ]);
    expect(real.steps[0].detail).toMatch(/created and proved equal/);
    expect(real.steps[1].detail).toMatch(/Added Ocupado_Por at BN/);
    expect(real.rowsWritten).toBe(400);
  });

  test('partial v3 columns: only the missing ones are added, each name once', () => {
    const w = world({ rows: 300 });
    const s = operaciones(w.emu, w.id);
    (s as any).insertColumnsAfter(65, 1);
    s.getRange(1, 66, 1, 1);
    (s.getRange(1, 66, 1, 1) as any).setValue('Ocupado_Por');
    const original = v21Part(w, 65);
    const dry = w.b.call<StepResult>('runMigrationStep', { dryRun: true });
    expect(dry.ok).toBe(true);
    expect(dry.plan![1].changes.join(' ')).toMatch(/Add Fecha_Ocupacion at BO, version at BP after/);
    const last = migrate(w).pop()!;
    expect(last.ok && last.complete).toBe(true);
    expect(last.steps[1].detail).toMatch(/Added Fecha_Ocupacion at BO, version at BP \(66 → 68 columns\)/);
    expectMigrated(w, fixture.columns, original, 300);
  });

  test('a conflict stops before any change, naming it; every problem reported at once', () => {
    const w = world({ rows: 200 });
    const s = operaciones(w.emu, w.id) as any;
    s.getRange(1, 12, 1, 1).setValue('version');
    s.getRange(1, 3, 1, 1).setValue('');
    const before = fullState(w.emu);
    const r = w.b.call<MigrationReport>('runMigration');
    expect(r.ok).toBe(false);
    expect(r.complete).toBe(false);
    expect(r.message).toMatch(/Nothing was changed/);
    expect(r.message).toMatch(/"version" already exists at L \(column 12\)/);
    expect(r.message).toMatch(/Column C of "Operaciones" has no header/);
    expect(r.problems).toHaveLength(2);
    const after = fullState(w.emu);
    expect(after.files).toEqual(before.files);
    const noLog = (p: Record<string, string>) => Object.fromEntries(Object.entries(p).filter(([k]) => !k.startsWith('sm.log')));
    expect(noLog(after.props)).toEqual({});
    const st = w.b.call<Status>('getMigrationStatus');
    expect(st.problem).toMatch(/"version" already exists/);
  });

  test('the 10,000,000-cell limit: refused before any change when the new columns would not fit', () => {
    // 150,000 grid rows × 65 columns = 9.75 M cells; 3 more columns would make 10.2 M.
    const w = world({ rows: 100, spareRows: 149899 });
    const before = fullState(w.emu);
    const dry = w.b.call<StepResult>('runMigrationStep', { dryRun: true });
    expect(dry.ok).toBe(false);
    expect(dry.message).toMatch(/Adding 3 columns to "Operaciones" would make the workbook \d+ cells, over Google Sheets' limit of 10000000/);
    const r = w.b.call<MigrationReport>('runMigration');
    expect(r.ok).toBe(false);
    expect(r.problems!.join(' ')).toMatch(/Delete unused empty rows or columns .* to free at least \d+ cells/);
    const after = fullState(w.emu);
    expect(after.files).toEqual(before.files);
    expect(Object.keys(after.props).filter((k) => !k.startsWith('sm.log'))).toEqual([]);
  });

  test('missing target sheet: the existing tabs are listed', () => {
    const w = world({ rows: 10 });
    (operaciones(w.emu, w.id) as any).setName('Operaciones_old');
    const r = w.b.call<StepResult>('runMigrationStep');
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/no tab named "Operaciones" \(its tabs are "Operaciones_old", "Trabajadores", "Roles", "Metadata"\)/);
    expect(fullState(w.emu).props).toEqual(expect.not.objectContaining({ 'sm.run': expect.anything() }));
  });
});

describe('concurrency, start over, corrupted state, failures', () => {
  test('lease: a second sidebar is refused with who and since; the first one continues', () => {
    const w = world({ rows: 300 });
    const a = w.b.call<StepResult>('runMigrationStep', { clientId: 'A', chunkRows: 100 });
    expect(a.ok).toBe(true);
    const lease = json(docProps(w.emu), 'sm.lease');
    expect(lease.owner).toBe(`${OWNER}#A`);
    const before = fullState(w.emu);
    const b = w.b.call<StepResult>('runMigrationStep', { clientId: 'B' });
    expect(b.ok).toBe(false);
    expect(b.message).toContain(`already being run by ${OWNER} since ${spreadsheetTime(lease.since)}.`);
    expect(b.status.running).toEqual({ by: OWNER, since: lease.since });
    const noLog = (p: Record<string, string>) => Object.fromEntries(Object.entries(p).filter(([k]) => !k.startsWith('sm.log')));
    expect(noLog(fullState(w.emu).props)).toEqual(noLog(before.props));
    // Someone else sees it running; so does another sidebar that names itself; the holder does not,
    // nor does the same person's status call without a client id.
    expect(w.b.callAs<Status>({ user: 'visitor@example.com' }, 'getMigrationStatus').running).toEqual({ by: OWNER, since: lease.since });
    expect(w.b.call<Status>('getMigrationStatus', { clientId: 'B' }).running).toEqual({ by: OWNER, since: lease.since });
    expect(w.b.call<Status>('getMigrationStatus', { clientId: 'A' }).running).toBeNull();
    expect(w.b.call<Status>('getMigrationStatus').running).toBeNull();
    // Another person's start over is refused while the lease is live.
    const other = w.b.callAs<Status>({ user: 'visitor@example.com' }, 'startOver');
    expect(other.problem).toMatch(/Only owner@example.com can run, restart or roll back/);
    expect(json(docProps(w.emu), 'sm.run')).not.toBeNull();
    for (let i = 0; i < 40; i++) if (w.b.call<StepResult>('runMigrationStep', { clientId: 'A' }).complete) break;
    expect(w.b.call<Status>('getMigrationStatus').migrated).toBe(true);
    expect(docProps(w.emu)['sm.lease']).toBeUndefined();
  });

  test('a stale lease (killed execution) expires and is taken over', () => {
    const w = world({ rows: 100 });
    w.b.call<StepResult>('runMigrationStep', { clientId: 'A' });
    w.emu.clock.advance(121 * 1000);
    const r = w.b.call<StepResult>('runMigrationStep', { clientId: 'B' });
    expect(r.ok).toBe(true);
    expect(json(docProps(w.emu), 'sm.lease').owner).toBe(`${OWNER}#B`);
  });

  test('only the owner (or allowed users) may run; others see status read-only', () => {
    const w = world({ rows: 50 });
    const r = w.b.callAs<StepResult>({ user: 'visitor@example.com' }, 'runMigrationStep');
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/Only owner@example.com can run/);
    expect(r.status.canAct).toBe(false);
    expect(json(docProps(w.emu), 'sm.run')).toBeNull();
    const st = w.b.callAs<Status>({ user: 'visitor@example.com' }, 'getMigrationStatus');
    expect(st.canAct).toBe(false);
    expect(st.migrated).toBe(false);
    // The dry run is read-only, so a visitor may see the plan, with a note on who may run it.
    const dry = w.b.callAs<StepResult>({ user: 'visitor@example.com' }, 'runMigrationStep', { dryRun: true });
    expect(dry.ok).toBe(true);
    expect(dry.plan).toHaveLength(5);
    expect(dry.message).toMatch(/Note: Only owner@example.com can run/);
  });

  test('startOver forgets the checkpoints but keeps the backup record', () => {
    const w = world({ rows: 300 });
    for (let i = 0; i < 10; i++) {
      const r = w.b.call<StepResult>('runMigrationStep', { chunkRows: 100 });
      if (r.status.steps[1].state === 'done') break;
    }
    const props = docProps(w.emu);
    expect(json(props, 'sm.run')).not.toBeNull();
    const backup = props['sm.backup'];
    expect(backup).toBeDefined();
    expect(operaciones(w.emu, w.id).getProtections('SHEET').map((p) => p.getDescription())).toEqual(['Sheet Migrator: migration in progress']);
    const st = w.b.call<Status>('startOver');
    expect(st.steps.every((s) => s.state === 'pending')).toBe(true);
    expect(st.backup && st.backup.id).toBe(JSON.parse(backup).id);
    const after = docProps(w.emu);
    expect(after['sm.run']).toBeUndefined();
    expect(after['sm.lease']).toBeUndefined();
    expect(after['sm.backup']).toBe(backup);
    expect(operaciones(w.emu, w.id).getProtections('SHEET')).toHaveLength(0);
    // The next run starts from the first step; the sheet already has v3 columns, so the v2.1
    // backup is kept, not replaced by a copy of the half-migrated sheet.
    const last = migrate(w).pop()!;
    expect(last.ok && last.complete).toBe(true);
    expect(last.steps[0].detail).toMatch(/Kept the v2.1 backup/);
    expect(docProps(w.emu)['sm.backup']).toBe(backup);
  });

  test('after startOver with the v3 columns in place, the status and the rollback preview agree: Roll back is possible, until the backup time + the window', () => {
    const w = world({ rows: 300 });
    for (let i = 0; i < 10; i++) {
      const r = w.b.call<StepResult>('runMigrationStep', { chunkRows: 100 });
      if (r.status.steps[1].state === 'done') break;
    }
    const st = w.b.call<Status>('startOver');
    expect(st.v3ColumnsPresent).toEqual(V3);
    expect(st.steps.every((s) => s.state === 'pending')).toBe(true);
    const preview = w.b.call<{ ok: boolean; canRollBack: boolean; migration: string; rollbackUntil: string | null }>('rollbackMigration');
    expect(preview).toMatchObject({ ok: false, canRollBack: true, migration: 'partial' });
    expect(st.rollbackAvailableUntil).not.toBeNull();
    expect(st.rollbackAvailableUntil).toBe(preview.rollbackUntil);
    expect(st.rollbackDeadline).toBe(preview.rollbackUntil);
    expect(Date.parse(st.rollbackAvailableUntil as string)).toBe(Date.parse(json(docProps(w.emu), 'sm.backup').createdAt) + 7 * 86400000);
    // So the sidebar offers Roll back instead of "Nothing to roll back right now".
    expect(actionRules({ status: st, busy: null, stopRequested: false }).rollback).toEqual({ enabled: true, reason: null });
    expect(w.b.call<Status>('getMigrationStatus').rollbackAvailableUntil).toBe(preview.rollbackUntil);
  });

  test.each([
    ['sm.run', '{not json'],
    ['sm.run', JSON.stringify({ v: 1, nothing: true })],
    ['sm.history', JSON.stringify({ v: 99, entries: [] })],
    ['sm.lease', '[]'],
    ['sm.backup', '{"v":1,"id":"1abc","name":"old backup"'],
  ])('corrupted state %s is reported with a way out, and startOver clears it', (key, value) => {
    const w = world({ rows: 100 });
    setDocProp(w.emu, key, value);
    const st = w.b.call<Status>('getMigrationStatus');
    expect(st.problem).toMatch(new RegExp(`saved migration state "${key}"`));
    const r = w.b.call<StepResult>('runMigrationStep');
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/Nothing was changed/);
    expect(header(w)).toHaveLength(65);
    const cleared = w.b.call<Status>('startOver');
    expect(cleared.problem).toBeNull();
    expect(docProps(w.emu)[key]).toBeUndefined();
    if (key === 'sm.backup') {
      const log = w.b.call<{ entries: LogEntry[] }>('getMigrationLog').entries.map((e) => e.message).join('\n');
      expect(log).toMatch(/unreadable backup record was discarded \(it named the file 1abc, which was not touched\)/);
    }
    expect(migrate(w).pop()!.complete).toBe(true);
  });

  test('startOver keeps a readable backup even when the run record is corrupt', () => {
    const w = world({ rows: 100 });
    w.b.call('runMigrationStep');
    w.b.call('runMigrationStep');
    w.b.call('runMigrationStep');
    const backup = docProps(w.emu)['sm.backup'];
    expect(backup).toBeDefined();
    setDocProp(w.emu, 'sm.run', '{"v":1,');
    w.b.call('startOver');
    expect(docProps(w.emu)['sm.backup']).toBe(backup);
    expect(docProps(w.emu)['sm.run']).toBeUndefined();
  });

  test('a failing step stops there: says what failed, what changed, how to roll back; lease and protection released', () => {
    const w = world({ rows: 300 });
    // Run up to the smoke test, then change a v2.1 cell behind the migration's back.
    for (let i = 0; i < 20; i++) {
      const r = w.b.call<StepResult>('runMigrationStep', { chunkRows: 100 });
      if (r.status.steps[3].state === 'done') break;
    }
    (operaciones(w.emu, w.id) as any).getRange(2, 1, 299, 1).setValue('tampered');
    let failed: StepResult | null = null;
    for (let i = 0; i < 10 && !failed; i++) {
      const r = w.b.call<StepResult>('runMigrationStep');
      if (!r.ok) failed = r;
    }
    expect(failed).not.toBeNull();
    expect(failed!.step).toBe('test_smoke');
    expect(failed!.message).toMatch(/Step 5 of 5 \(Smoke test against the backup\) failed: the smoke test \(seed \d+/);
    expect(failed!.message).toMatch(/Already changed: the backup file ".*" was created .*; the columns Ocupado_Por, Fecha_Ocupacion, version were added; the new version values were written on 300 rows/);
    expect(failed!.message).toMatch(/To undo the migration instead, use "Roll back to v2\.1…" \(menu or sidebar\)/);
    expect(failed!.status.steps[4].state).toBe('failed');
    expect(failed!.status.failure && failed!.status.failure.step).toBe('test_smoke');
    const props = docProps(w.emu);
    expect(props['sm.lease']).toBeUndefined();
    expect(operaciones(w.emu, w.id).getProtections('SHEET')).toHaveLength(0);
    const log = w.b.call<{ entries: LogEntry[] }>('getMigrationLog', { level: 'ERROR' }).entries;
    expect(log[log.length - 1].message).toMatch(/Step 5 of 5/);
  });

  test('an Apps Script failure that retries cannot absorb: thrown with the full message, step marked failed, lease and protection released; a re-run resumes', () => {
    const w = world({ rows: 300 });
    for (let i = 0; i < 30; i++) {
      const r = w.b.call<StepResult>('runMigrationStep', { chunkRows: 100 });
      if (r.status.steps[2].state === 'done') break;
    }
    // initialize_versions' next unit makes its mutating calls in this order: the lease renewal,
    // then the chunk's setValues, which here fails on every one of its 4 attempts.
    let thrown: Error | null = null;
    for (let k = 2; k <= 5; k++) w.emu.faults.failMutatingCall(k, 'transient', 'before');
    try {
      w.b.call('runMigrationStep');
    } catch (e) {
      thrown = e as Error;
    }
    expect(thrown).not.toBeNull();
    expect(thrown!.message).toMatch(/^Step 4 of 5 \(Set version = 0 on every row\) failed: Apps Script failed and retrying did not help \(Service Spreadsheets timed out/);
    expect(thrown!.message).toMatch(/Already changed: .*the columns Ocupado_Por, Fecha_Ocupacion, version were added\./);
    expect(thrown!.message).toMatch(/Roll back to v2\.1…/);
    const st = w.b.call<Status>('getMigrationStatus');
    expect(st.failure && st.failure.message).toBe(thrown!.message);
    expect(docProps(w.emu)['sm.lease']).toBeUndefined();
    expect(operaciones(w.emu, w.id).getProtections('SHEET')).toHaveLength(0);
    expect(migrate(w).pop()!.complete).toBe(true);
    expect(versionColumn(w).every((v) => v === 0)).toBe(true);
  });

  test('the sheet is protected while the migration runs (another editor cannot write), and not afterwards', () => {
    const w = world({ rows: 300 });
    w.b.call('runMigrationStep', { chunkRows: 100 });
    const s = operaciones(w.emu, w.id);
    expect(s.getProtections('SHEET').map((p) => p.getDescription())).toEqual(['Sheet Migrator: migration in progress']);
    expect(() =>
      w.emu.runExecution(() => (s as any).getRange(5, 5, 1, 1).setValue('x'), { user: 'editor@example.com' }),
    ).toThrow(/protected cell/);
    migrate(w);
    expect(s.getProtections('SHEET')).toHaveLength(0);
  });

  test('a protection the owner set up is left alone', () => {
    const w = world({ rows: 100 });
    const s = operaciones(w.emu, w.id) as any;
    s.protect().setDescription('Owner lock');
    migrate(w);
    expect(s.getProtections('SHEET').map((p: any) => p.getDescription())).toEqual(['Owner lock']);
  });

  test('results cross google.script.run as plain JSON, and bad options are ignored safely', () => {
    const w = world({ rows: 50 });
    const r = w.b.call<StepResult>('runMigrationStep', { dryRun: 'yes', force: 1, clientId: '<img src=x>', chunkRows: -5 });
    expect(r.dryRun).toBe(false);
    expect(r.ok).toBe(true);
    expect(json(docProps(w.emu), 'sm.lease').owner).toBe(`${OWNER}#imgsrcx`);
    expect(bookSnapshot(w.emu, w.id)[0].maxColumns).toBe(65);
  });
});
