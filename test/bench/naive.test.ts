// The naive baseline of the benchmark (bench/naive.ts), on a small sheet: it must really be the
// naive script the issue describes (one setValue per row, getLastRow asked on every turn), and
// it must really migrate, so that what it costs is the cost of doing the job that way.
import { createEmulator, createSampleWorkbook, COST_MODEL } from '../../emulator';
import { runNaive } from '../../bench/naive';
import { classifyCall, summarise } from '../../bench/meter';

test('writes version row by row with setValue, asking getLastRow on every turn', () => {
  const emu = createEmulator();
  const ss = createSampleWorkbook(emu, { rows: 40 });
  const r = runNaive(emu);
  expect(r.rows).toBe(40);
  expect(r.calls['Range.setValue']).toBe(40);
  // Once per turn, plus the test that ends the loop.
  expect(r.calls['Sheet.getLastRow']).toBe(41);
  expect(r.calls['Spreadsheet.copy']).toBe(1);
  const sheet = ss.getSheetByName('Operaciones')!;
  expect(sheet.getLastColumn()).toBe(68);
  expect(sheet.getRange(1, 66, 1, 3).getValues()[0]).toEqual(['Ocupado_Por', 'Fecha_Ocupacion', 'version']);
  expect(sheet.getRange(2, 68, 40, 1).getValues().every((row) => row[0] === 0)).toBe(true);
  // Each turn costs a getLastRow, a getRange and a setValue of the model.
  const cells = 41 * 68;
  const turn = COST_MODEL.sheetMetadataBaseMs + COST_MODEL.sheetMetadataPerCellMs * cells + COST_MODEL.getRangeMs + COST_MODEL.writeBaseMs + COST_MODEL.writePerCellMs;
  expect(r.loopSeconds * 1000).toBeGreaterThan(40 * turn);
  expect(r.loopSeconds * 1000).toBeLessThan(41 * turn + 100);
  expect(r.migrationSeconds).toBeGreaterThan(r.loopSeconds);
});

test('maxRows stops it early (for a sampled run)', () => {
  const emu = createEmulator();
  createSampleWorkbook(emu, { rows: 40 });
  expect(runNaive(emu, { maxRows: 5 }).rows).toBe(5);
});

test('call classes: data calls are what the bound counts, lookups are meta, handles are local', () => {
  expect(classifyCall('Range.getValues', 30)).toBe('data');
  expect(classifyCall('Sheet.insertColumnsAfter', 200)).toBe('data');
  expect(classifyCall('Spreadsheet.copy', 2000)).toBe('data');
  expect(classifyCall('Sheet.getLastRow', 50)).toBe('meta');
  expect(classifyCall('Spreadsheet.getSheetByName', 30)).toBe('meta');
  expect(classifyCall('Sheet.getRange', 1)).toBe('local');
  expect(classifyCall('Sheet.getSheetId', 0.05)).toBe('local');
  expect(classifyCall('Properties.getProperty', 5)).toBe('other');
  const s = summarise({ count: { 'Range.getValues': 2, 'Sheet.getLastRow': 1, 'Sheet.getRange': 3, 'Properties.setProperty': 1, 'Properties.getProperty': 4 }, ms: { 'Range.getValues': 60, 'Sheet.getLastRow': 50, 'Sheet.getRange': 3, 'Properties.setProperty': 10, 'Properties.getProperty': 20 } });
  expect(s).toEqual({ data: 2, meta: 1, local: 3, propertyReads: 4, propertyWrites: 1, all: 11 });
});
