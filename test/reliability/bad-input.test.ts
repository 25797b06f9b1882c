// Bad input and hostile states (docs/bad-input.md has the table): each one gives a message that
// says what happened and what to do, and changes nothing — every file with every cell and
// protection, and every document property, compared before and after. Only the log grows
// (a refused attempt is recorded); a dry run and the status change nothing at all.
import { Emulator } from '../../emulator';
import { fullState, json, docProps, setDocProp, operaciones, sheetSnapshot } from '../helpers/workbookState';
import { expectActionable, expectNoLeftovers, migrateAll, stateOf, V3, world, World } from '../helpers/reliability';
import { migrateThrough } from '../bundle/rollbackFixture';
import { WORKBOOK_CELL_LIMIT } from '../../src/core/preflight';
import { OWN_MAX_BYTES, PROPERTY_STORE_LIMIT_BYTES } from '../../src/core/quota';

type Sheet = any;
const ops = (w: World): Sheet => operaciones(w.emu, w.id);

/** Appends a column with this header after the last one (the way a person adds a column). */
function appendColumn(w: World, header: string, values: unknown[] = []): void {
  const s = ops(w);
  const at = s.getLastColumn() + 1;
  if (s.getMaxColumns() < at) s.insertColumnsAfter(s.getMaxColumns(), 1);
  s.getRange(1, at).setValue(header);
  values.forEach((v, i) => s.getRange(2 + i, at).setValue(v));
}

interface Refusal {
  name: string;
  setup(w: World): void;
  /** What the message must say happened. */
  what: RegExp;
}

const REFUSALS: Refusal[] = [
  { name: 'missing target sheet', setup: (w) => ops(w).setName('Operaciones 2024'), what: /no tab named "Operaciones" \(its tabs are "Operaciones 2024", "Trabajadores", "Roles", "Metadata"\)/ },
  { name: 'empty sheet', setup: (w) => ops(w).clear(), what: /"Operaciones" is empty: row 1 has no header/ },
  { name: 'data without a header row', setup: (w) => ops(w).getRange(1, 1, 1, ops(w).getLastColumn()).clearContent(), what: /has data but row 1 holds no header names/ },
  { name: 'header row with a blank', setup: (w) => ops(w).getRange('C1').setValue(''), what: /Column C of "Operaciones" has no header in row 1/ },
  { name: 'header row with duplicates', setup: (w) => ops(w).getRange('D1').setValue(ops(w).getRange('B1').getValue()), what: /The header "NV" at B, "NV" at D is the same name/ },
  { name: 'duplicates that differ only in case, accents and spaces', setup: (w) => ops(w).getRange('D1').setValue(' nv '), what: /"NV" at B, " nv " at D is the same name \(ignoring case, accents and spaces\)/ },
  { name: 'values in a column without a header', setup: (w) => appendColumn(w, '', ['dato suelto']), what: /Column BN \(column 66\) has values but no header/ },
  { name: 'a v3 name inside the v2.1 columns', setup: (w) => ops(w).getRange('L1').setValue('version'), what: /The v3 column "version" already exists at L \(column 12\), inside the v2\.1 columns/ },
  { name: 'lookalike "Version" as the last column', setup: (w) => appendColumn(w, 'Version'), what: /named "Version", which looks like the v3 column "version" but is not spelled exactly so/ },
  { name: 'lookalike " version " as the last column', setup: (w) => appendColumn(w, ' version '), what: /named " version ", which looks like the v3 column "version"/ },
  { name: 'lookalike inside the v2.1 columns', setup: (w) => ops(w).getRange('L1').setValue('Fecha_ocupación'), what: /Column L \(column 12\) is named "Fecha_ocupación", which looks like the v3 column "Fecha_Ocupacion"/ },
];

describe('refused before any change: a clear message, nothing changed', () => {
  test.each(REFUSALS)('$name', ({ setup, what }) => {
    const w = world();
    setup(w);
    const untouched = fullState(w.emu);

    // Read-only views change nothing at all, not even the log.
    const status = w.b.call('getMigrationStatus');
    expectActionable(status.problem, what);
    expect(status.migrated).toBe(false);
    const dry = w.b.call('runMigrationStep', { dryRun: true });
    expect(dry).toMatchObject({ ok: false, dryRun: true });
    expectActionable(dry.message, what);
    expect(dry.message).toMatch(/Nothing was changed/);
    expect(fullState(w.emu)).toEqual(untouched);

    // Every way of running is refused the same way, forced or not.
    for (const [fn, options] of [['runMigrationStep', {}], ['runMigration', {}], ['runMigration', { force: true }]] as const) {
      const r = w.b.call(fn, options);
      expect({ fn, ok: r.ok, complete: r.complete }).toEqual({ fn, ok: false, complete: false });
      expectActionable(r.message, what);
      expect(r.message).toMatch(/^Nothing was changed/);
    }
    expect(stateOf(w.emu)).toEqual({ files: untouched.files, props: {} });
    expectNoLeftovers(w.emu);
  });
});

describe('a run stopped by a bad state in the middle: it says what failed and what had changed, and loses nothing', () => {
  test('the tab is renamed between two units', () => {
    const w = world();
    migrateThrough(w.b, 'add_v3_columns');
    ops(w).setName('Operaciones (vieja)');
    const before = fullState(w.emu);
    const r = w.b.call('runMigrationStep');
    expect(r.ok).toBe(false);
    expectActionable(r.message, /Step 3 of 5 \(.*\) failed: the tab "Operaciones" no longer exists/);
    expect(r.message).toMatch(/Already changed: .*the columns Ocupado_Por, Fecha_Ocupacion, version were added/);
    expect(fullState(w.emu).files).toEqual(before.files);
    // Renamed back, the run resumes where it stopped and completes.
    w.emu.getSpreadsheet(w.id)!.getSheetByName('Operaciones (vieja)')!.setName('Operaciones');
    expect(migrateAll(w.b).complete).toBe(true);
    expectNoLeftovers(w.emu);
  });
});

describe('partial and pre-existing v3 columns: the run completes and overwrites nothing', () => {
  test('only some v3 columns present, with values in them', () => {
    const w = world({ rows: 30 });
    appendColumn(w, 'Ocupado_Por', ['ana@example.com', '', 'luis@example.com']);
    appendColumn(w, 'Fecha_Ocupacion', ['2026-11-20', '', '']);
    const before = sheetSnapshot(ops(w));
    const done = migrateAll(w.b);
    expect(done.steps[1].detail).toMatch(/Added version at BP \(67 → 68 columns\)/);
    const after = sheetSnapshot(ops(w));
    const header = after.values[0] as string[];
    expect(header.slice(65)).toEqual(V3);
    // Every cell that was there is still there; the only new cells are the version column.
    expect(after.values.map((r) => r.slice(0, 67))).toEqual(before.values.map((r) => r.slice(0, 67)));
    expect(after.values.slice(1).map((r) => r[67])).toEqual(new Array(30).fill(0));
  });

  test('a version column already present with other values: kept and reported, not overwritten', () => {
    const w = world({ rows: 20 });
    appendColumn(w, 'Ocupado_Por');
    appendColumn(w, 'Fecha_Ocupacion');
    appendColumn(w, 'version', [3, '', 7]);
    const done = migrateAll(w.b);
    expect(done.steps[3].detail).toMatch(/2 rows already held another value, left as is/);
    const versions = sheetSnapshot(ops(w)).values.slice(1).map((r) => r[67]);
    expect(versions.slice(0, 3)).toEqual([3, 0, 7]);
    expect(versions.slice(3).every((v) => v === 0)).toBe(true);
  });
});

describe('the 10,000,000-cell limit of a workbook', () => {
  /** Spare grid rows under the data that leave exactly `slack` cells free after adding the 3 columns. */
  function nearLimit(slack: number): World {
    const probe = world({ rows: 100 });
    const sheets = probe.emu.getSpreadsheet(probe.id)!.getSheets() as Sheet[];
    const others = sheets.filter((s) => s.getName() !== 'Operaciones').reduce((n, s) => n + s.getMaxRows() * s.getMaxColumns(), 0);
    const rowsAllowed = Math.floor((WORKBOOK_CELL_LIMIT - others - slack) / 68);
    return world({ rows: 100, spareRows: rowsAllowed - 101 });
  }

  test('one cell too many: refused before any change, saying how many cells to free', () => {
    const w = nearLimit(-68);
    const before = fullState(w.emu);
    const r = w.b.call('runMigration');
    expect(r.ok).toBe(false);
    expectActionable(r.message, /Adding 3 columns to "Operaciones" would make the workbook 10000\d{3} cells, over Google Sheets' limit of 10000000/);
    expect(r.message).toMatch(/Delete unused empty rows or columns/);
    expect(stateOf(w.emu)).toEqual({ files: before.files, props: {} });
  });

  test('exactly at the limit: it fits, and the migration completes', () => {
    const w = nearLimit(0);
    const sheets = w.emu.getSpreadsheet(w.id)!.getSheets() as Sheet[];
    const total = () => sheets.reduce((n, s) => n + s.getMaxRows() * s.getMaxColumns(), 0);
    expect(WORKBOOK_CELL_LIMIT - total()).toBeLessThan(68 * 2 + 3 * ops(w).getMaxRows());
    expect(migrateAll(w.b).complete).toBe(true);
    expect(total()).toBeLessThanOrEqual(WORKBOOK_CELL_LIMIT);
    expectNoLeftovers(w.emu);
  });
});

describe('the document property store nearly full (500 KB per store)', () => {
  /** Other keys (not Sheet Migrator's) taking `bytes` of the store, in values Apps Script accepts. */
  function fillOthers(emu: Emulator, bytes: number): void {
    let left = bytes;
    for (let i = 0; left > 0; i++) {
      const key = `otra.app.${String(i).padStart(3, '0')}`;
      const size = Math.min(8000, left - key.length);
      setDocProp(emu, key, 'x'.repeat(Math.max(1, size)));
      left -= key.length + Math.max(1, size);
    }
  }
  const roomNeeded = PROPERTY_STORE_LIMIT_BYTES - OWN_MAX_BYTES;

  test('decision: refused before anything changes, naming the biggest keys and how much to free', () => {
    const w = world();
    fillOthers(w.emu, 480 * 1024);
    const before = fullState(w.emu);
    const st = w.b.call('getMigrationStatus');
    expectActionable(st.problem, /document properties of this spreadsheet are nearly full: other data takes 480 KB/);
    const dry = w.b.call('runMigrationStep', { dryRun: true });
    expect(dry.ok).toBe(false);
    expect(dry.problems.join(' ')).toMatch(/nearly full/);
    const r = w.b.call('runMigration');
    expect(r.ok).toBe(false);
    expectActionable(r.message, /Nothing was changed\. Free at least \d+ KB by deleting document properties .*"otra\.app\.\d{3}" \(8 KB\)/);
    const now = fullState(w.emu);
    expect(now.files).toEqual(before.files);
    // At most the log of the refusal was added, and it fits.
    expect(Object.keys(now.props).filter((k) => !before.props[k] && !k.startsWith('sm.log'))).toEqual([]);
  });

  test('with just enough room, the migration and a rollback complete without hitting the quota', () => {
    const w = world();
    fillOthers(w.emu, roomNeeded);
    expect(migrateAll(w.b).complete).toBe(true);
    const r = w.b.call('rollbackMigration', { confirm: true });
    expect(r).toMatchObject({ ok: true, complete: true });
    const total = Object.entries(docProps(w.emu)).reduce((n, [k, v]) => n + k.length + v.length, 0);
    expect(total).toBeLessThanOrEqual(PROPERTY_STORE_LIMIT_BYTES);
  });

  test('the store fills up between two units: the run stops before the next change, and resumes once there is room', () => {
    const w = world();
    migrateThrough(w.b, 'add_v3_columns');
    fillOthers(w.emu, 480 * 1024);
    const before = stateOf(w.emu);
    const r = w.b.call('runMigrationStep');
    expect(r.ok).toBe(false);
    expectActionable(r.message, /nearly full/);
    expect(stateOf(w.emu)).toEqual(before);
    for (const k of Object.keys(docProps(w.emu)).filter((key) => key.startsWith('otra.app.')).slice(0, 20)) {
      (w.emu.globals() as any).PropertiesService.getDocumentProperties().deleteProperty(k);
    }
    expect(migrateAll(w.b).complete).toBe(true);
  });

  test('a new rollback is refused the same way', () => {
    const w = world();
    migrateAll(w.b);
    fillOthers(w.emu, 480 * 1024);
    const before = stateOf(w.emu);
    const r = w.b.call('rollbackMigration', { confirm: true });
    expect(r.ok).toBe(false);
    expectActionable(r.message, /nearly full: .* the rollback needs up to \d+ KB/);
    expect(stateOf(w.emu)).toEqual(before);
  });
});

describe('the backup deleted, trashed or edited during a migration', () => {
  const cases: Array<[string, (emu: Emulator, id: string) => void, RegExp]> = [
    ['trashed', (emu, id) => emu.getFile(id)!.setTrashed(true), /the backup ".*" \(.*\) is missing or in the trash; restore it from the Drive trash\..*run again/],
    ['deleted', (emu, id) => emu.context.drive.files.delete(id), /the backup ".*" \(.*\) is missing or in the trash/],
    [
      'edited',
      (emu, id) => {
        const s = emu.getSpreadsheet(id)!.getSheetByName('Operaciones') as Sheet;
        s.getRange(2, 1, s.getLastRow() - 1, 1).setValue('editado en la copia');
      },
      /the smoke test \(seed \d+\) found \d+ differences: row \d+, column A \(.*\): backup "editado en la copia", now /,
    ],
  ];
  test.each(cases)('%s: the last step fails saying so, the sheet keeps its data, verify and rollback refuse', (_name, damage, what) => {
    const w = world({ rows: 30 });
    const original = sheetSnapshot(ops(w));
    migrateThrough(w.b, 'initialize_versions');
    const backup = json(docProps(w.emu), 'sm.backup');
    damage(w.emu, backup.id);
    let failed: any = null;
    for (let i = 0; i < 10 && !failed; i++) {
      const r = w.b.call('runMigrationStep');
      if (!r.ok) failed = r;
      else if (r.complete) break;
    }
    expect(failed).not.toBeNull();
    expect(failed.step).toBe('test_smoke');
    expectActionable(failed.message, what);
    expect(failed.status.failure.step).toBe('test_smoke');
    // The v2.1 cells are as they were; the run is not recorded as complete.
    expect(sheetSnapshot(ops(w)).values.map((r) => r.slice(0, 65))).toEqual(original.values);
    expect(failed.status.migrated).toBe(false);
    expect(docProps(w.emu)['sm.lease']).toBeUndefined();
    expect(ops(w).getProtections('SHEET')).toHaveLength(0);
    const v = w.b.call('verifyMigration');
    expect(v.ok).toBe(false);
    const before = stateOf(w.emu);
    const rb = w.b.call('rollbackMigration', { confirm: true });
    expect(rb.ok).toBe(false);
    expectActionable(rb.message, /backup/);
    expect(stateOf(w.emu)).toEqual(before);
  });
});

describe('already migrated', () => {
  test('every way of running says so and changes nothing', () => {
    const w = world();
    migrateAll(w.b);
    const before = stateOf(w.emu);
    for (const fn of ['runMigrationStep', 'runMigration']) {
      const r = w.b.call(fn);
      expect(r).toMatchObject({ ok: true, complete: true });
      expect(r.message).toMatch(/"Operaciones" is already migrated to v3\.0: completed on .* by owner@example\.com\. Nothing was changed\. Use "Verify migration" to check it/);
    }
    const dry = w.b.call('runMigrationStep', { dryRun: true });
    expect(dry.message).toMatch(/already migrated; a run would change nothing/);
    expect(w.b.call('getMigrationStatus')).toMatchObject({ migrated: true, problem: null });
    expect(stateOf(w.emu)).toEqual(before);
  });
});
