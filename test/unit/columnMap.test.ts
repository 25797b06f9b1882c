// Column map: header name -> position, normalised.
import { ColumnMap, normalizeHeader } from '../../src/core/columnMap';

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
    expect(map.indexOf('id')).toBe(1);
  });
  test('duplicates are visible through positionsOf; blanks are never found', () => {
    expect(map.positionsOf('Notas')).toEqual([4, 5]);
    expect(map.positionsOf('')).toEqual([]);
  });
});
