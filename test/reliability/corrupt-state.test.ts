// Saved state that cannot be trusted — invalid JSON, the wrong shape, or written by a newer
// version of the add-on — for every key Sheet Migrator stores. Each is reported with its key
// and a way out, nothing is changed by any entry point, and "Start over" gets the user out
// (the unreadable record is discarded, never the v2.1 backup file). The log pages are not
// state: an unreadable page is treated as empty and the log carries on.
import { docProps, setDocProp, fullState } from '../helpers/workbookState';
import { expectActionable, expectNoLeftovers, interruptedRollback, migrateAll, stateOf, V3, world } from '../helpers/reliability';
import { rollBackFully, sheetImage, TARGET, workbookImage } from '../bundle/rollbackFixture';

const RECORD_KEYS = ['sm.run', 'sm.backup', 'sm.history', 'sm.lease', 'sm.rollback'];

/** The three kinds of bad value, each a plausible way for a record to go wrong. */
function badValues(key: string): Array<[string, string, RegExp]> {
  const shape = key === 'sm.history' ? '{"v":1,"entries":"oops"}' : '{"v":1,"nothing":true}';
  return [
    ['invalid JSON', '{"v":1,"runId":"abc",', /is not valid JSON/],
    ['wrong shape', shape, /does not have the expected shape/],
    ['from a newer version', '{"v":7,"entries":[],"id":"x"}', /was written by a newer version of Sheet Migrator \(state v7; this version reads v1\)\. Nothing was changed\. Update the add-on/],
  ];
}

const CASES = RECORD_KEYS.flatMap((key) => badValues(key).map(([kind, value, what]) => ({ key, kind, value, what })));

describe('a corrupted record, for every key and every kind of corruption', () => {
  test.each(CASES)('$key, $kind: reported with a way out, nothing changed anywhere, Start over gets out', ({ key, value, what }) => {
    const w = world();
    setDocProp(w.emu, key, value);
    const untouched = fullState(w.emu);
    const named = new RegExp(`The saved migration state "${key.replace('.', '\\.')}" ${what.source}`);

    // The status names the record and the way out; a dry run changes nothing at all.
    const status = w.b.call('getMigrationStatus');
    expectActionable(status.problem, named);
    const dry = w.b.call('runMigrationStep', { dryRun: true });
    expect(dry.ok).toBe(false);
    expect(dry.message).toMatch(named);
    expect(fullState(w.emu)).toEqual(untouched);

    // Runs and a rollback are refused; verify reports it (or, not reading the record, works).
    for (const fn of ['runMigrationStep', 'runMigration']) {
      const r = w.b.call(fn);
      expect({ fn, ok: r.ok }).toEqual({ fn, ok: false });
      expect(r.message).toMatch(named);
    }
    expect(w.b.call('runMigration', { force: true }).ok).toBe(false);
    const rb = w.b.call('rollbackMigration', { confirm: true });
    expect(rb.ok).toBe(false);
    const v = w.b.call('verifyMigration');
    expect(v.ok).toBe(false);
    expect(stateOf(w.emu)).toEqual({ files: untouched.files, props: { [key]: value } });

    // Start over discards the unreadable record (and says so in the log), then a run completes.
    const st = w.b.call('startOver');
    expect(st.problem).toBeNull();
    expect(docProps(w.emu)[key]).toBeUndefined();
    expect(w.b.call('getMigrationLog').entries.map((e: any) => e.message).join('\n')).toMatch(/unreadable|Start over by owner@example\.com/);
    expect(migrateAll(w.b).complete).toBe(true);
    expect((sheetImage(w.emu, w.id, TARGET).values[0] as string[]).slice(65)).toEqual(V3);
    expectNoLeftovers(w.emu);
  });
});

describe('corruption in the middle of the work', () => {
  test('sm.run corrupted half-way through a migration: refused; Start over keeps the backup; the rerun keeps it and completes', () => {
    const w = world({ rows: 30 });
    w.b.call('runMigrationStep');
    w.b.call('runMigrationStep');
    w.b.call('runMigrationStep');
    const backup = docProps(w.emu)['sm.backup'];
    expect(backup).toBeDefined();
    setDocProp(w.emu, 'sm.run', '{"v":1,"runId":');
    const before = stateOf(w.emu);
    expect(w.b.call('runMigrationStep').ok).toBe(false);
    expect(stateOf(w.emu)).toEqual(before);
    w.b.call('startOver');
    expect(docProps(w.emu)['sm.backup']).toBe(backup);
    expect(migrateAll(w.b).complete).toBe(true);
    expect(docProps(w.emu)['sm.backup']).toBe(backup);
  });

  test('sm.rollback corrupted half-way through a rollback: the tab stays protected; Start over discards it and lifts the protection; a new rollback restores the original', () => {
    // Half restored: the v3 columns are gone, the temporary tab (a copy of the backup's) is there.
    const { emu, b, ss, original } = interruptedRollback(['fit_grid', 'copy_range', 'prove']);
    expect(emu.getSpreadsheet(ss.getId())!.getSheets().map((s: any) => s.getName())).toContainEqual(expect.stringMatching(/^Operaciones \(rollback [0-9a-f]{8}\)$/));
    const protections = () => (emu.getSpreadsheet(ss.getId())!.getSheetByName(TARGET) as any).getProtections('SHEET').map((p: any) => p.getDescription());
    expect(protections()).toEqual(['Sheet Migrator: rollback in progress']);
    setDocProp(emu, 'sm.rollback', '{"v":1,"id":"x","phase":"nowhere"}');
    // Everything that would touch the tab is refused with the way out.
    const before = stateOf(emu);
    expect(b.call('runMigration').message).toMatch(/"sm\.rollback" does not have the expected shape.*Start over/);
    expect(b.call('rollbackMigration', { confirm: true }).message).toMatch(/"sm\.rollback" does not have the expected shape/);
    expect(stateOf(emu)).toEqual(before);
    // Start over: the record and the rollback's protection go; a new rollback restores v2.1.
    expect(b.call('startOver').problem).toBeNull();
    expect(docProps(emu)['sm.rollback']).toBeUndefined();
    expect(protections()).toEqual([]);
    expect(b.call('getMigrationLog').entries.map((e: any) => e.message).join('\n')).toMatch(/unreadable rollback checkpoint was discarded/);
    const done = rollBackFully(b);
    expect(done).toMatchObject({ ok: true, complete: true });
    // Every tab as it was before the migration: the interrupted rollback's temporary tab is gone too.
    expect(workbookImage(emu, ss.getId())).toEqual(original);
    expect(protections()).toEqual([]);
  });
});

describe('the log pages are not state: unreadable ones are read as empty and overwritten in turn', () => {
  const LOG_CASES: Array<[string, string]> = [
    ['sm.log.0', '[{"at":'],
    ['sm.log.1', '{"entries":5}'],
    ['sm.log.2', '{"v":2,"pages":[]}'],
    ['sm.log.head', 'abc'],
    ['sm.log.head', '-1'],
    ['sm.log.head', '99'],
    ['sm.rollback.report', '{"v":9'],
  ];
  test.each(LOG_CASES)('%s = %s: no problem shown, the migration completes, the log reads', (key, value) => {
    const w = world();
    setDocProp(w.emu, key, value);
    expect(w.b.call('getMigrationStatus').problem).toBeNull();
    expect(migrateAll(w.b).complete).toBe(true);
    const entries = w.b.call('getMigrationLog').entries;
    expect(entries.some((e: any) => /Migration to v3\.0 complete/.test(e.message))).toBe(true);
    expect(w.b.call('rollbackMigration', { confirm: true })).toMatchObject({ ok: true, complete: true });
  });
});
