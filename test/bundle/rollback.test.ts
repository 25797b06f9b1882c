// rollbackMigration through the bundle, after a real migration (runMigration / runMigrationStep):
// the v2.1 original comes back cell for cell in the same tab, the snapshot keeps what was
// there, and every refusal changes nothing.
import {
  backupRecord,
  columnOf,
  driveImage,
  edit,
  history,
  migratedWorld,
  migrateThrough,
  rollBackFully,
  sampleWorld,
  sheetImage,
  TARGET,
  workbookImage,
  worldImage,
} from './rollbackFixture';
import { docProps, withoutLog } from '../helpers/workbookState';
import { spreadsheetTime } from '../helpers/emuEnv';

const DAY = 24 * 60 * 60 * 1000;

function expectRestored(emu: any, ssId: string, original: any[]): void {
  // Every tab, in order: the target equals the v2.1 original cell for cell (values, formulas,
  // number formats, grid, sheet id) and the other tabs were not touched.
  expect(workbookImage(emu, ssId)).toEqual(original);
}

function expectClean(emu: any): void {
  const props = docProps(emu);
  expect(props['sm.run']).toBeUndefined();
  expect(props['sm.rollback']).toBeUndefined();
  expect(props['sm.lease']).toBeUndefined();
}

describe('rollbackMigration (bundle)', () => {
  test('done-when: migrate, edit a v3 and a v2.1 cell, verify, roll back → the v2.1 original, edits in the snapshot', () => {
    const { emu, b, ss, original } = migratedWorld();
    const id = ss.getId();
    expect(b.call('verifyMigration').ok).toBe(true);
    const ocupado = columnOf(emu, id, TARGET, 'Ocupado_Por');
    emu.getSpreadsheet(id)!.getSheetByName(TARGET)!.getRange(5, ocupado).setValues([['juan.perez']]);
    edit(emu, id, TARGET, 'S7', [['nota editada después de migrar']]);
    // Verify is honest about the edited v2.1 cell: the v2.1 data no longer equals the backup.
    const after = b.call('verifyMigration');
    expect(after.ok).toBe(false);
    expect(after.checks.find((c: any) => c.id === 'v21_digest').ok).toBe(false);
    const preEdit = sheetImage(emu, id, TARGET);

    const preview = b.call('rollbackMigration');
    expect(preview).toMatchObject({ ok: false, canRollBack: true, changedRows: 1, rowsWithV3Data: 1 });

    const r = rollBackFully(b);
    expect(r).toMatchObject({ ok: true, complete: true, columnCount: 65, changedRows: 1, rowsWithV3Data: 1, changedRowsSample: [7] });
    expect(r.backupId).toBe(backupRecord(emu).id);
    expectRestored(emu, id, original);
    const restored = sheetImage(emu, id, TARGET);
    expect(restored.sheetId).toBe(original.find((s) => s.name === TARGET)!.sheetId);
    expect(restored.formulas[2][63]).toBe('=SUM(BH3:BK3)');
    expect(restored.formulas[3][18]).toMatch(/^=Trabajadores!B2/);
    expect(restored.formats[4][25]).toBe('#,##0.00 "kg"');

    // The snapshot is a copy of the file as it was just before the rollback, edits included.
    const snap = emu.getFile(r.snapshotId)!;
    expect(snap.isTrashed()).toBe(false);
    expect(snap.getName()).toMatch(/_pre-rollback_snapshot_\d{8}_\d{6}$/);
    const snapImage = sheetImage(emu, r.snapshotId, TARGET);
    expect({ ...snapImage, sheetId: 0 }).toEqual({ ...preEdit, sheetId: 0 });
    expect(snapImage.values[4][ocupado - 1]).toBe('juan.perez');
    expect(snapImage.values[6][18]).toBe('nota editada después de migrar');

    expectClean(emu);
    const last = history(emu).pop();
    expect(last).toMatchObject({ kind: 'rollback', from: '3.0', to: '2.1', backupId: r.backupId, snapshotId: r.snapshotId, by: 'owner@example.com' });
    const report = JSON.parse(docProps(emu)['sm.rollback.report']);
    expect(report).toMatchObject({ ok: true, snapshotId: r.snapshotId, changedRows: 1, proved: true });
    const log = b.call('getMigrationLog').entries.map((e: any) => e.message).join('\n');
    // Singular where it is one row: never "row(s)", never "1 rows hold".
    expect(log).toMatch(/: 1 row differs from the backup in the v2\.1 columns \(row 7\) and 1 row holds v3\.0 data\./);
    expect(log).toMatch(/snapshot saved as ".*_pre-rollback_snapshot_\d{8}_\d{6}"/);
    expect(log).toMatch(/proved: "Operaciones"/);
  });

  test('idempotent: a second confirmed call changes nothing and says it is already done', () => {
    const { emu, b, ss, original } = migratedWorld();
    const r = rollBackFully(b);
    const before = worldImage(emu, ss.getId());
    const again = b.call('rollbackMigration', { confirm: true });
    expect(again).toMatchObject({ ok: true, complete: true, snapshotId: r.snapshotId });
    expect(again.message).toMatch(/Already rolled back/);
    expect(worldImage(emu, ss.getId())).toEqual(before);
    expectRestored(emu, ss.getId(), original);
    // Verify now reports the rollback instead of checking a v3 schema that is gone.
    const v = b.call('verifyMigration');
    expect(v.ok).toBe(false);
    expect(v.checks[0].detail).toMatch(/rolled back/);
  });

  test('restores the grid size too (spare rows and columns around the data)', () => {
    const { emu, b, ss, original } = migratedWorld({ spareRows: 4, spareColumns: 2 });
    emu.getSpreadsheet(ss.getId())!.getSheetByName(TARGET)!.insertRowsAfter(5, 3);
    const r = rollBackFully(b);
    expect(r.ok).toBe(true);
    expectRestored(emu, ss.getId(), original);
  });

  test('after a partial migration (columns added, versions not yet written, sheet still protected)', () => {
    const { emu, b, ss, original } = sampleWorld();
    migrateThrough(b, 'add_v3_columns');
    const sheet = emu.getSpreadsheet(ss.getId())!.getSheetByName(TARGET)!;
    emu.clock.advance(10 * 60 * 1000); // the migration's lease has expired: it is not running
    const r = rollBackFully(b);
    expect(r).toMatchObject({ ok: true, complete: true, migration: 'partial', columnCount: 65 });
    expectRestored(emu, ss.getId(), original);
    expect(sheet.getProtections('SHEET' as any)).toHaveLength(0);
    expectClean(emu);
  });

  test('after a partial migration where only some v3 columns were added', () => {
    const { emu, b, ss, original } = sampleWorld();
    migrateThrough(b, 'add_v3_columns');
    const sheet = emu.getSpreadsheet(ss.getId())!.getSheetByName(TARGET)!;
    sheet.deleteColumns(columnOf(emu, ss.getId(), TARGET, 'Fecha_Ocupacion'), 1);
    emu.clock.advance(10 * 60 * 1000);
    const r = rollBackFully(b);
    expect(r.ok).toBe(true);
    expectRestored(emu, ss.getId(), original);
  });

  test('after a rollback, the migration can run again from scratch', () => {
    const { emu, b, ss } = migratedWorld();
    rollBackFully(b);
    const m = b.call('runMigration', {});
    expect(m).toMatchObject({ ok: true, complete: true });
    expect(b.call('verifyMigration').ok).toBe(true);
    expect(sheetImage(emu, ss.getId(), TARGET).maxColumns).toBe(68);
  });
});

describe('rollbackMigration refusals change nothing', () => {
  test('without confirm: a preview, nothing written anywhere', () => {
    const { emu, b, ss } = migratedWorld();
    const before = worldImage(emu, ss.getId());
    const mutating = emu.stats.mutatingCalls;
    for (const arg of [undefined, {}, { confirm: false }, { confirm: 'yes' }]) {
      const r = arg === undefined ? b.call('rollbackMigration') : b.call('rollbackMigration', arg);
      expect(r).toMatchObject({ ok: false, snapshotId: null, columnCount: 68, canRollBack: true });
      expect(r.message).toMatch(/needs confirmation.*Nothing was changed/);
    }
    expect(emu.stats.mutatingCalls).toBe(mutating);
    expect(worldImage(emu, ss.getId())).toEqual(before);
  });

  function refusedWithoutChange(w: ReturnType<typeof migratedWorld>, pattern: RegExp): any {
    const { emu, b, ss } = w;
    const before = worldImage(emu, ss.getId());
    const r = b.call('rollbackMigration', { confirm: true });
    expect(r.ok).toBe(false);
    expect(r.snapshotId).toBeNull();
    expect(r.message).toMatch(pattern);
    expect(r.message).toMatch(/Nothing was changed|nothing was changed/);
    const now = worldImage(emu, ss.getId());
    // Only the log may grow: a refused attempt is recorded with who asked.
    expect({ ...now, props: withoutLog(now.props) }).toEqual({ ...before, props: withoutLog(before.props) });
    expect(JSON.stringify(b.call('getMigrationLog').entries)).toMatch(/Rollback refused/);
    return r;
  }

  test('after the 7-day window, with the backup link for a manual restore', () => {
    const w = migratedWorld();
    w.emu.clock.advance(7 * DAY + 60 * 1000);
    const r = refusedWithoutChange(w, /rollback window closed on .*open the backup/);
    expect(r.message).toContain(backupRecord(w.emu).url);
    expect(r.message).toContain(`window closed on ${spreadsheetTime(history(w.emu)[0].rollbackUntil)} (7 days after the migration completed)`);
  });

  test('the window of a partial migration runs from the backup', () => {
    const w = sampleWorld();
    migrateThrough(w.b, 'add_v3_columns');
    w.emu.clock.advance(7 * DAY + 60 * 1000);
    refusedWithoutChange(w, /window closed/);
  });

  test('just inside the window it still rolls back', () => {
    const { emu, b, ss, original } = migratedWorld();
    emu.clock.advance(7 * DAY - 60 * 1000);
    expect(rollBackFully(b).ok).toBe(true);
    expectRestored(emu, ss.getId(), original);
  });

  test('with the backup in the trash', () => {
    const w = migratedWorld();
    w.emu.getFile(backupRecord(w.emu).id)!.setTrashed(true);
    refusedWithoutChange(w, /backup .* is in the Drive trash\. Restore it from the trash/);
  });

  test('with the backup deleted', () => {
    const w = migratedWorld();
    w.emu.context.drive.files.delete(backupRecord(w.emu).id);
    refusedWithoutChange(w, /no longer exists/);
  });

  test('with a backup whose data was edited (digest mismatch)', () => {
    const w = migratedWorld();
    edit(w.emu, backupRecord(w.emu).id, TARGET, 'C4', [['tampered']]);
    // The preview already says so, so the menu does not ask a question it would then refuse.
    expect(w.b.call('rollbackMigration')).toMatchObject({ ok: false, canRollBack: false, message: expect.stringMatching(/no longer matches the digest/) });
    refusedWithoutChange(w, /no longer matches the digest/);
  });

  test('with a backup whose grid was changed', () => {
    const w = migratedWorld();
    w.emu.getSpreadsheet(backupRecord(w.emu).id)!.getSheetByName(TARGET)!.insertRowsAfter(3, 1);
    refusedWithoutChange(w, /was edited after it was made/);
  });

  test('when nothing was migrated', () => {
    const w = sampleWorld();
    refusedWithoutChange(w, /Nothing to roll back: no migration has been run/);
  });

  test('while a migration holds the lease', () => {
    const w = sampleWorld();
    migrateThrough(w.b, 'add_v3_columns');
    refusedWithoutChange(w, /already being run by owner@example\.com/);
  });

  test('with an unreadable saved state', () => {
    const w = migratedWorld();
    (w.emu.globals() as any).PropertiesService.getDocumentProperties().setProperty('sm.history', '{"v":1,"entries":"oops"}');
    const before = worldImage(w.emu, w.ss.getId());
    const r = w.b.call('rollbackMigration', { confirm: true });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/"sm\.history" does not have the expected shape\. Nothing was changed\./);
    const now = worldImage(w.emu, w.ss.getId());
    expect({ ...now, props: withoutLog(now.props) }).toEqual({ ...before, props: withoutLog(before.props) });
  });

  test('for a user who may not act', () => {
    const w = migratedWorld();
    const before = worldImage(w.emu, w.ss.getId());
    const r = w.b.callAs({ user: 'intruso@example.com' }, 'rollbackMigration', { confirm: true });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/Only owner@example\.com can/);
    const now = worldImage(w.emu, w.ss.getId());
    expect({ ...now, props: withoutLog(now.props) }).toEqual({ ...before, props: withoutLog(before.props) });
  });
});

describe('menu "Roll back to v2.1…"', () => {
  test('YES: names the backup, its age, what changes and where the snapshot goes, then rolls back', () => {
    const { emu, b, ss, original } = migratedWorld();
    emu.clock.advance(3 * DAY);
    emu.ui.answers.push('YES');
    b.call('menuRollbackMigration');
    const [question, result] = emu.ui.alerts.slice(-2);
    expect(question.title).toBe('Roll back to v2.1?');
    expect(question.prompt).toContain(backupRecord(emu).name);
    expect(question.prompt).toMatch(/made 3 days ago/);
    // Times in the spreadsheet's zone, named; never the raw ISO string.
    const migration = history(emu).find((h) => h.kind === 'migration');
    expect(question.prompt).toContain(`made 3 days ago (${spreadsheetTime(backupRecord(emu).createdAt)}).`);
    expect(question.prompt).toContain(`Rollback is possible until ${spreadsheetTime(migration.rollbackUntil)}.`);
    expect(question.prompt).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    expect(question.prompt).toMatch(/snapshot copy .*_pre-rollback_snapshot_\d{8}_\d{6}" \(in your Drive/);
    expect(question.prompt).toMatch(/the v3\.0 columns Ocupado_Por, Fecha_Ocupacion, version go away/);
    expect(question.prompt).toMatch(/No row differs from the backup/);
    expect(question.prompt).toMatch(/Other tabs are not touched/);
    expect(result.prompt).toMatch(/^Rolled back/);
    expect(result.prompt).toMatch(/Snapshot of the state before the rollback: https:/);
    expectRestored(emu, ss.getId(), original);
  });

  test('NO: nothing changes', () => {
    const { emu, b, ss } = migratedWorld();
    const before = worldImage(emu, ss.getId());
    const files = driveImage(emu);
    emu.ui.answers.push('NO');
    b.call('menuRollbackMigration');
    expect(emu.ui.alerts[emu.ui.alerts.length - 1].prompt).toBe('Nothing was changed.');
    expect(worldImage(emu, ss.getId())).toEqual(before);
    expect(driveImage(emu)).toEqual(files);
  });

  test('when there is nothing to roll back it just says so', () => {
    const { emu, b } = sampleWorld();
    b.call('menuRollbackMigration');
    expect(emu.ui.alerts[emu.ui.alerts.length - 1].prompt).toMatch(/Nothing to roll back/);
  });
});
