// Column map: header name -> position, normalised, cached by a hash of the header row.
import { createEmulator, createSampleWorkbook } from '../../emulator';
import { ColumnMap, invalidateColumnMap, loadColumnMap, normalizeHeader } from '../../src/core/columnMap';
import { inExecution } from '../helpers/emuEnv';

describe('normalizeHeader', () => {
  test.each([
    ['  Ubicación ', 'ubicacion'],
    ['VERSION', 'version'],
    ['Fecha  QC\tMetrología', 'fecha qc metrologia'],
    ['N°_Informe_PH', 'n°_informe_ph'],
    [42, '42'],
  ])('%j -> %j', (input, out) => expect(normalizeHeader(input)).toBe(out));
});

describe('ColumnMap', () => {
  const map = new ColumnMap(['id', 'Ubicación', '', 'Notas', 'notas ', 'version']);
  test('1-based positions found by normalised name; 0 when absent', () => {
    expect(map.indexOf('ubicacion')).toBe(2);
    expect(map.indexOf(' VERSION ')).toBe(6);
    expect(map.indexOf('Ocupado_Por')).toBe(0);
    expect(map.has('id')).toBe(true);
    expect(map.columnCount).toBe(6);
  });
  test('duplicates are visible through positionsOf; blanks are never found', () => {
    expect(map.positionsOf('Notas')).toEqual([4, 5]);
    expect(map.positionsOf('')).toEqual([]);
  });
});

describe('loadColumnMap with the document cache', () => {
  test('one header read per load; a changed header row is never served stale positions', () => {
    const emu = createEmulator();
    const ss = createSampleWorkbook(emu, { rows: 20 });
    const sheet = () => ss.getSheetByName('Operaciones')!;
    emu.stats.reset();
    const first = inExecution(emu, (env) => loadColumnMap(sheet(), 1, env.documentCache(), env.sha256Hex));
    expect(first.indexOf('FLAG')).toBe(65);
    expect(emu.stats.calls['Range.getValues']).toBe(1);
    // The header changes (a column inserted before FLAG): the cache key is the header's hash.
    (sheet() as any).insertColumnsBefore(2, 1);
    (sheet() as any).getRange(1, 2, 1, 1).setValue('Nueva');
    const second = inExecution(emu, (env) => loadColumnMap(sheet(), 1, env.documentCache(), env.sha256Hex));
    expect(second.indexOf('FLAG')).toBe(66);
    expect(second.indexOf('Nueva')).toBe(2);
    // A cache hit gives the same answer, and invalidation drops the last map.
    const third = inExecution(emu, (env) => loadColumnMap(sheet(), 1, env.documentCache(), env.sha256Hex));
    expect(third.headers).toEqual(second.headers);
    inExecution(emu, (env) => invalidateColumnMap(env.documentCache()));
    const fourth = inExecution(emu, (env) => loadColumnMap(sheet(), 1, env.documentCache(), env.sha256Hex));
    expect(fourth.indexOf('FLAG')).toBe(66);
  });

  test('an empty sheet gives an empty map', () => {
    const emu = createEmulator();
    const ss = emu.createSpreadsheet('Empty');
    emu.setActiveSpreadsheet(ss.getId());
    const map = inExecution(emu, (env) => loadColumnMap(ss.getSheets()[0] as any, 1, env.documentCache(), env.sha256Hex));
    expect(map.columnCount).toBe(0);
  });
});
