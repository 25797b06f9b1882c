// Rollback of a workbook at Google's 10-million-cell limit. The usual restore copies the
// backup's tab in as a temporary tab, which such a workbook has no room for (the benchmark
// found this at 147,000 rows). With no v2.1 cell changed since the backup, the rollback
// removes the v3 columns in place and proves the tab equal to the backup; with changes, it
// refuses before anything changes, saying how much room to free.
import { createEmulator, createSampleWorkbook } from '../../emulator';
import { loadBundle } from '../helpers/bundle';

// 200 rows of data in a grid of 100,201 × 65 cells: a copy of that tab would take the workbook
// over 10,000,000 cells, while the data stays small enough for a quick test.
function world() {
  const emu = createEmulator();
  const ss = createSampleWorkbook(emu, { rows: 200, spareRows: 100000 });
  const b = loadBundle(emu);
  const sheet = () => emu.getSpreadsheet(ss.getId())!.getSheetByName('Operaciones')!;
  const data = () => JSON.stringify(sheet().getRange(1, 1, 201, 65).getValues());
  const before = { data: data(), id: sheet().getSheetId(), rows: sheet().getMaxRows() };
  for (let i = 0; i < 20; i++) {
    const r = b.call<any>('runMigration');
    if (!r.ok) throw new Error(r.message);
    if (r.complete) break;
  }
  expect(sheet().getLastColumn()).toBe(68);
  return { emu, ss, b, sheet, data, before };
}

function rollBack(b: ReturnType<typeof loadBundle>) {
  let r: any;
  for (let i = 0; i < 20; i++) {
    r = b.call<any>('rollbackMigration', { confirm: true });
    if (!r.ok || r.complete) break;
  }
  return r;
}

test('no v2.1 change since the backup: the v3 columns go in place, proved equal to the backup', () => {
  const w = world();
  const r = rollBack(w.b);
  expect(r.ok).toBe(true);
  expect(r.complete).toBe(true);
  expect(r.message).toMatch(/Rolled back/);
  expect(w.sheet().getLastColumn()).toBe(65);
  expect(w.sheet().getMaxColumns()).toBe(65);
  expect(w.sheet().getMaxRows()).toBe(w.before.rows);
  expect(w.sheet().getSheetId()).toBe(w.before.id);
  expect(w.data()).toBe(w.before.data);
  // No temporary tab was ever added.
  expect(w.ss.getSheets().map((s) => s.getName())).toEqual(['Operaciones', 'Trabajadores', 'Roles', 'Metadata']);
  const log = w.b.call<any>('getMigrationLog').entries.map((e: any) => e.message).join('\n');
  expect(log).toMatch(/no room for a copy of the backup's tab; no v2\.1 cell changed, so the v3\.0 columns are removed in place/);
  expect(w.b.call<any>('getMigrationStatus').migrated).toBe(false);
});

test('v2.1 cells edited since the backup: refused before anything changes, with the room to free', () => {
  const w = world();
  w.sheet().getRange(7, 3).setValue('edited after the migration');
  const files = w.emu.files().length;
  const r = rollBack(w.b);
  expect(r.ok).toBe(false);
  expect(r.message).toMatch(/cannot be restored in place: 1 row of v2\.1 data changed since the backup, and restoring it needs/);
  expect(r.message).toMatch(/Free \d+ cells \(delete unused rows or columns in other tabs\), then roll back again/);
  expect(r.message).toMatch(/Nothing was changed\.$/);
  expect(w.sheet().getLastColumn()).toBe(68);
  expect(w.emu.files().length).toBe(files);
  expect(w.sheet().getRange(7, 3).getValue()).toBe('edited after the migration');
});
