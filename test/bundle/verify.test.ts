// verifyMigration through the bundle: passes after a real migration, is strictly read-only,
// and fails naming the check for each broken condition. A digest too long for one call is
// continued call after call from the cursor the caller hands back (`resume`).
import { columnOf, edit, migratedWorld, migrateFully, migrateThrough, sampleWorld, TARGET, World, worldImage } from './rollbackFixture';

const ALL_CHECKS = [
  'migration_state',
  'column_count',
  'v3_headers',
  'column_map',
  'versions_sampled',
  'v3_empty_sampled',
  'backup_available',
  'v21_spot_check',
  'v21_digest',
];

function failing(report: any): string[] {
  return report.checks.filter((c: any) => !c.ok).map((c: any) => c.id);
}

describe('verifyMigration (bundle)', () => {
  test('passes after a migration, one line per check, and changes nothing at all', () => {
    const { emu, b, ss } = migratedWorld();
    const before = worldImage(emu, ss.getId());
    const mutating = emu.stats.mutatingCalls;
    const report = b.call('verifyMigration');
    expect(emu.stats.mutatingCalls).toBe(mutating);
    expect(worldImage(emu, ss.getId())).toEqual(before);
    expect(report.ok).toBe(true);
    // A small sheet is done in one call, as before.
    expect(report.complete).toBe(true);
    expect(report.resume).toBeNull();
    expect(report.checks.map((c: any) => c.id)).toEqual(ALL_CHECKS);
    expect(report.checks.every((c: any) => c.ok && typeof c.detail === 'string' && c.detail.length > 0)).toBe(true);
    expect(new Date(report.generatedAt).toISOString()).toBe(report.generatedAt);
    expect(report.sampledRows).toHaveLength(10);
    expect(report.checks.find((c: any) => c.id === 'column_count').detail).toMatch(/68 columns = 65/);
  });

  test('the same seed samples the same rows', () => {
    const { b } = migratedWorld();
    const a = b.call('verifyMigration', { seed: 42 });
    const c = b.call('verifyMigration', { seed: 42 });
    expect(a.sampledRows).toEqual(c.sampledRows);
    expect(a.seed).toBe(42);
  });

  test('fails with migration_state when nothing was migrated, and says what to do', () => {
    const { emu, b, ss } = sampleWorld();
    const before = worldImage(emu, ss.getId());
    const report = b.call('verifyMigration');
    expect(worldImage(emu, ss.getId())).toEqual(before);
    expect(report.ok).toBe(false);
    expect(failing(report)).toEqual(['migration_state']);
    expect(report.checks[0].detail).toMatch(/No migration has been run.*Run the migration/);
  });

  test('a missing v3 header fails v3_headers (and the count and the map)', () => {
    const { emu, b, ss } = migratedWorld();
    const col = columnOf(emu, ss.getId(), TARGET, 'Fecha_Ocupacion');
    emu.getSpreadsheet(ss.getId())!.getSheetByName(TARGET)!.deleteColumns(col, 1);
    const report = b.call('verifyMigration');
    expect(report.ok).toBe(false);
    expect(failing(report)).toEqual(expect.arrayContaining(['v3_headers', 'column_count', 'column_map']));
    expect(report.checks.find((c: any) => c.id === 'v3_headers').detail).toMatch(/"Fecha_Ocupacion" is missing/);
    expect(report.message).toMatch(/Verification failed: .*v3_headers/);
  });

  test('an empty version on a sampled row fails versions_sampled, naming the row', () => {
    const { emu, b, ss } = migratedWorld();
    const first = b.call('verifyMigration', { seed: 7 });
    const row = first.sampledRows[3];
    const col = columnOf(emu, ss.getId(), TARGET, 'version');
    emu.getSpreadsheet(ss.getId())!.getSheetByName(TARGET)!.getRange(row, col).setValues([['']]);
    const report = b.call('verifyMigration', { seed: 7 });
    expect(failing(report)).toEqual(['versions_sampled']);
    expect(report.checks.find((c: any) => c.id === 'versions_sampled').detail).toMatch(new RegExp(`row ${row} version is \\(empty\\)`));
    // One row: "fails", not "fail".
    expect(report.checks.find((c: any) => c.id === 'versions_sampled').detail).toMatch(/^1 of 10 sampled rows fails \(version = 0 expected\)/);
  });

  test('a v3 value on a sampled row fails v3_empty_sampled', () => {
    const { emu, b, ss } = migratedWorld();
    const row = b.call('verifyMigration', { seed: 3 }).sampledRows[0];
    const col = columnOf(emu, ss.getId(), TARGET, 'Ocupado_Por');
    emu.getSpreadsheet(ss.getId())!.getSheetByName(TARGET)!.getRange(row, col).setValues([['worker-7']]);
    const report = b.call('verifyMigration', { seed: 3 });
    expect(failing(report)).toEqual(['v3_empty_sampled']);
  });

  test('a changed v2.1 cell fails v21_spot_check (sampled row) and v21_digest', () => {
    const { emu, b, ss } = migratedWorld();
    const row = b.call('verifyMigration', { seed: 11 }).sampledRows[5];
    const col = columnOf(emu, ss.getId(), TARGET, 'Notas');
    edit(emu, ss.getId(), TARGET, `S${row}`, [['cambiado a mano']]);
    expect(col).toBe(19); // S
    const report = b.call('verifyMigration', { seed: 11 });
    expect(failing(report)).toEqual(['v21_spot_check', 'v21_digest']);
    expect(report.checks.find((c: any) => c.id === 'v21_spot_check').detail).toMatch(new RegExp(`row ${row}, column S \\("Notas"\\).*now "cambiado a mano"`));
    expect(report.checks.find((c: any) => c.id === 'v21_spot_check').detail).toMatch(/^1 v2\.1 cell differs from the backup in the header and 10 sampled rows:/);
  });

  test('a changed v2.1 cell outside the sample still fails v21_digest', () => {
    const { emu, b, ss } = migratedWorld({ rows: 40 });
    const sampled: number[] = b.call('verifyMigration', { seed: 5 }).sampledRows;
    const row = [...Array(40).keys()].map((i) => i + 2).find((r) => !sampled.includes(r))!;
    edit(emu, ss.getId(), TARGET, `B${row}`, [[123456]]);
    const report = b.call('verifyMigration', { seed: 5 });
    expect(failing(report)).toEqual(['v21_digest']);
  });

  test('a duplicated v3 column fails v3_headers and column_count', () => {
    const { emu, b, ss } = migratedWorld();
    const sheet = emu.getSpreadsheet(ss.getId())!.getSheetByName(TARGET)!;
    const last = sheet.getLastColumn();
    sheet.insertColumnsAfter(last, 1);
    sheet.getRange(1, last + 1).setValues([['version']]);
    const report = b.call('verifyMigration');
    expect(failing(report)).toEqual(expect.arrayContaining(['v3_headers', 'column_count']));
    expect(report.checks.find((c: any) => c.id === 'v3_headers').detail).toMatch(/"version" appears 2 times/);
  });

  test('a trashed backup fails backup_available and the comparisons say why', () => {
    const { emu, b } = migratedWorld();
    const backupId = JSON.parse((emu.globals() as any).PropertiesService.getDocumentProperties().getProperty('sm.backup')).id;
    emu.getFile(backupId)!.setTrashed(true);
    const report = b.call('verifyMigration');
    expect(failing(report)).toEqual(['backup_available', 'v21_spot_check', 'v21_digest']);
    expect(report.checks.find((c: any) => c.id === 'backup_available').detail).toMatch(/trash/);
  });

  test('a partial migration fails migration_state and says which steps are done', () => {
    const { b } = sampleWorld();
    migrateThrough(b, 'add_v3_columns');
    const report = b.call('verifyMigration');
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ id: 'migration_state', ok: false });
    expect(report.checks[0].detail).toMatch(/not complete: steps done: create_backup, add_v3_columns/);
    // The v3 columns exist but version is not initialised yet: the sample says so too.
    expect(report.checks.find((c: any) => c.id === 'versions_sampled').ok).toBe(false);
  });

  test('an unreadable saved state is reported with its way out, not thrown', () => {
    const { emu, b } = migratedWorld();
    (emu.globals() as any).PropertiesService.getDocumentProperties().setProperty('sm.backup', '{not json');
    const report = b.call('verifyMigration');
    expect(report.ok).toBe(false);
    expect(report.checks[0].detail).toMatch(/"sm\.backup" is not valid JSON\. Nothing was changed\. Use "Start over"/);
  });

  test('the menu item shows the report in a dialog, one line per check', () => {
    const { emu, b } = migratedWorld();
    b.call('menuVerifyMigration');
    const alert = emu.ui.alerts[emu.ui.alerts.length - 1];
    expect(alert.title).toBe('Verify migration');
    const lines = alert.prompt.split('\n');
    expect(lines[0]).toMatch(/^Verification passed/);
    for (const id of ALL_CHECKS) expect(lines.some((l) => l.startsWith(`✓ ${id}: `))).toBe(true);
  });
});

/**
 * 1,200 rows digested one row per chunk (the `chunkRows` run option is stored with the backup's
 * digest): about 430 rows fit in one verify call's 30-second budget, so the digest takes 3 calls.
 */
function bigWorld(rows = 1200): World {
  const w = sampleWorld({ rows });
  migrateFully(w.b, { chunkRows: 1 }, 2000);
  return w;
}

const digestOf = (report: any) => report.checks.find((c: any) => c.id === 'v21_digest');

/** The sidebar's loop: verifyMigration({seed, resume}) while the report is not complete. */
function verifyToEnd(b: World['b'], first: any = {}, max = 20): any[] {
  const reports = [b.call('verifyMigration', first)];
  while (reports[reports.length - 1].complete === false && reports.length < max) {
    const last = reports[reports.length - 1];
    reports.push(b.call('verifyMigration', { seed: last.seed, resume: last.resume }));
  }
  return reports;
}

describe('verifyMigration (bundle), a digest longer than one call', () => {
  test('called again with its resume until complete: passes, same sample every call, nothing changed', () => {
    const { emu, b, ss } = bigWorld();
    const before = worldImage(emu, ss.getId());
    const mutating = emu.stats.mutatingCalls;
    const executions = emu.stats.executions.length;
    const reports = verifyToEnd(b, { seed: 4 });
    expect(emu.stats.executions.length - executions).toBe(reports.length);
    expect(emu.stats.mutatingCalls).toBe(mutating);
    expect(worldImage(emu, ss.getId())).toEqual(before);
    expect(reports.length).toBe(3);
    for (const r of reports.slice(0, -1)) {
      expect(r).toMatchObject({ ok: false, complete: false, seed: 4 });
      expect(r.message).toMatch(/^Verification in progress, not passed yet: 8 checks passed, v21_digest in progress \(rows 1–\d+ of 1201 compared\)\.$/);
      expect(digestOf(r)).toMatchObject({ ok: false, skipped: true, detail: expect.stringMatching(/^In progress: rows 1–\d+ of 1201 compared\.$/) });
      expect(r.resume).toMatchObject({ seed: 4, lastRow: 1201, columnCount: 65, chunkRows: 1 });
    }
    // Each call compared rows beyond the previous one.
    expect(reports[1].resume.nextRow).toBeGreaterThan(reports[0].resume.nextRow);
    reports.forEach((r) => expect(r.sampledRows).toEqual(reports[0].sampledRows));
    const last = reports[2];
    expect(last).toMatchObject({ ok: true, complete: true, resume: null, message: 'Verification passed: 9 checks.' });
    expect(digestOf(last).detail).toMatch(/digest the same as the backup\. Compared over 3 calls; rows compared in an earlier call may have been edited since\.$/);
  });

  test('a v2.1 cell edited between calls, in rows not compared yet, fails v21_digest', () => {
    const { emu, b, ss } = bigWorld();
    const first = b.call('verifyMigration', { seed: 4 });
    const row = [1100, 1101, 1102].find((r) => !first.sampledRows.includes(r))!;
    expect(row).toBeGreaterThanOrEqual(first.resume.nextRow);
    edit(emu, ss.getId(), TARGET, `B${row}`, [['edited between calls']]);
    const reports = verifyToEnd(b, { seed: 4, resume: first.resume });
    const last = reports[reports.length - 1];
    expect(last.complete).toBe(true);
    expect(last.ok).toBe(false);
    expect(failing(last)).toEqual(['v21_digest']);
    expect(digestOf(last).detail).toMatch(/differ from the backup \(digest mismatch\)/);
    expect(last.message).toBe('Verification failed: v21_digest.');
  });

  test('a garbage or tampered resume starts over from row 1, says so, and still finishes', () => {
    const { b } = bigWorld();
    const first = b.call('verifyMigration', { seed: 4 });
    const second = b.call('verifyMigration', { seed: 4, resume: first.resume });
    for (const resume of ['garbage', { ...second.resume, nextRow: second.resume.lastRow + 5 }, { ...second.resume, acc: 'not hex' }, { ...second.resume, calls: -1 }]) {
      const r = b.call('verifyMigration', { seed: 4, resume });
      expect(digestOf(r).detail).toBe(`In progress: rows 1–${first.resume.nextRow - 1} of 1201 compared. Started again from row 1: the resume given is not valid.`);
      expect(r.resume).toMatchObject({ nextRow: first.resume.nextRow, calls: 1 });
    }
    const reports = verifyToEnd(b, { seed: 4, resume: { ...second.resume, lastRow: 'x' } });
    expect(reports.length).toBe(3);
    expect(reports[reports.length - 1]).toMatchObject({ ok: true, complete: true });
  });

  test('a resume from an earlier backup (rolled back, edited, migrated again) starts over from row 1', () => {
    const { emu, b, ss } = bigWorld();
    const earlier = b.call('verifyMigration', { seed: 4 }).resume;
    for (let i = 0; i < 50 && b.call('rollbackMigration', { confirm: true }).complete === false; i++);
    // The v2.1 data changes, so the next migration makes a new backup (an unchanged one is reused).
    edit(emu, ss.getId(), TARGET, 'B2', [['edited after the rollback']]);
    migrateFully(b, { chunkRows: 1 }, 2000);
    const own = b.call('verifyMigration', { seed: 4 }).resume;
    expect(own.backupId).not.toBe(earlier.backupId);
    const r = b.call('verifyMigration', { seed: 4, resume: earlier });
    expect(digestOf(r).detail).toMatch(/^In progress: rows 1–\d+ of 1201 compared\. Started again from row 1: the resume given is for another backup\.$/);
    expect(r.resume).toMatchObject({ backupId: own.backupId, nextRow: own.nextRow, calls: 1 });
  });

  test('the menu item keeps going in its one execution and shows the finished report', () => {
    const { emu, b } = bigWorld();
    const executions = emu.stats.executions.length;
    b.call('menuVerifyMigration');
    expect(emu.stats.executions.length - executions).toBe(1);
    const alert = emu.ui.alerts[emu.ui.alerts.length - 1];
    expect(alert.prompt.split('\n')[0]).toBe('Verification passed: 9 checks.');
    expect(alert.prompt).toMatch(/✓ v21_digest: .*Compared over 3 calls/);
    expect(alert.prompt).not.toMatch(/sidebar/);
  });

  test('when even the menu execution is too short, the dialog says to finish in the sidebar', () => {
    const { emu, b } = bigWorld(5000);
    b.call('menuVerifyMigration');
    const exec = emu.stats.executions[emu.stats.executions.length - 1];
    expect(exec.ok).toBe(true);
    expect(exec.modelledMs).toBeLessThan(300 * 1000);
    const alert = emu.ui.alerts[emu.ui.alerts.length - 1];
    expect(alert.prompt).toMatch(/^Verification in progress, not passed yet: /);
    expect(alert.prompt).toMatch(/– v21_digest: In progress: rows 1–\d+ of 5001 compared\./);
    expect(alert.prompt).toMatch(/The full comparison did not fit in one run: press Verify in the sidebar \(Extensions → Sheet Migrator → Open migration sidebar\) to finish it\.$/);
  });
});
