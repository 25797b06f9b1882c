// Pre-flight header analysis: where the v3 columns are, and every problem at once.
import rawConfig from '../../src/migration.config.json';
import { parseConfig } from '../../src/core/config';
import { analyzeHeader, columnLetter, gridGrowth } from '../../src/core/preflight';
import { SAMPLE_FIXTURE } from '../../emulator/sampleWorkbook';

const config = parseConfig(rawConfig);
// The repo's copy of ../shared/fixtures (test/emulator/sampleWorkbook.test.ts keeps them equal).
const V21 = SAMPLE_FIXTURE.columns;
const V3 = config.newColumns.map((c) => c.name);

const codes = (h: string[], cfg = config) => analyzeHeader(h, cfg).problems.map((p) => p.code);

describe('columnLetter', () => {
  test.each([
    [1, 'A'],
    [26, 'Z'],
    [27, 'AA'],
    [65, 'BM'],
    [68, 'BP'],
    [702, 'ZZ'],
    [703, 'AAA'],
    [18278, 'ZZZ'],
  ])('%i -> %s', (n, s) => expect(columnLetter(n)).toBe(s));
});

describe('analyzeHeader', () => {
  test('a pure v2.1 header: nothing present, all three missing, no problem', () => {
    const a = analyzeHeader(V21, config);
    expect(a.problems).toEqual([]);
    expect(a.columnCountBefore).toBe(V21.length);
    expect(a.v3Present).toEqual([]);
    expect(a.v3Missing).toEqual(V3);
  });

  test('a fully migrated header: all present at the end', () => {
    const a = analyzeHeader(V21.concat(V3), config);
    expect(a.problems).toEqual([]);
    expect(a.columnCountBefore).toBe(V21.length);
    expect(a.v3Present).toEqual(V3);
    expect(a.v3Missing).toEqual([]);
  });

  test('nothing is hard-coded: a 71-column v2.1 header', () => {
    const h = V21.concat(['Extra_1', 'Extra_2', 'Extra_3', 'Extra_4', 'Extra_5', 'Extra_6']);
    const a = analyzeHeader(h, config);
    expect(a.problems).toEqual([]);
    expect(a.columnCountBefore).toBe(71);
    expect(gridGrowth(a, 71)).toBe(3);
    expect(gridGrowth(a, 80)).toBe(0);
  });

  test('only some v3 columns at the end is safe: the rest are missing, with a note', () => {
    const a = analyzeHeader(V21.concat(['Ocupado_Por']), config);
    expect(a.problems).toEqual([]);
    expect(a.v3Present).toEqual(['Ocupado_Por']);
    expect(a.v3Missing).toEqual(['Fecha_Ocupacion', 'version']);
    expect(a.columnCountBefore).toBe(65);
    expect(a.notes.join(' ')).toMatch(/only Fecha_Ocupacion, version will be added/);
  });

  test('a v3 name inside the v2.1 columns is a conflict naming the column', () => {
    const h = V21.slice();
    h.splice(10, 0, 'version');
    const a = analyzeHeader(h, config);
    expect(a.problems.map((p) => p.code)).toEqual(['v3-inside']);
    expect(a.problems[0].message).toMatch(/"version" already exists at K \(column 11\)/);
  });

  test('a v3 name twice (inside and at the end) is a conflict', () => {
    const h = V21.slice();
    h.splice(3, 0, 'Ocupado_Por');
    expect(codes(h.concat(V3))).toEqual(['v3-inside']);
  });

  test.each([['Version'], [' version '], ['VERSIÓN']])('lookalike %j at the end: conflict, say rename', (look) => {
    const a = analyzeHeader(V21.concat(['Ocupado_Por', 'Fecha_Ocupacion', look]), config);
    expect(a.problems.map((p) => p.code)).toEqual(['lookalike']);
    expect(a.problems[0].message).toMatch(/Rename the header to "version"/);
  });

  test('lookalike inside the v2.1 columns: conflict', () => {
    const h = V21.slice();
    h[4] = ' ocupado_por';
    expect(codes(h)).toEqual(['lookalike']);
  });

  test('blank and duplicate headers, and unnamed trailing data, all reported at once', () => {
    const h = V21.slice();
    h[2] = '';
    h[7] = 'Notas';
    const all = h.concat(['', '']);
    const a = analyzeHeader(all, config);
    expect(a.problems.map((p) => p.code).sort()).toEqual(['blank-header', 'duplicate-header', 'unnamed-trailing-columns']);
    const text = a.problems.map((p) => p.message).join('\n');
    expect(text).toMatch(/Column C .*no header/);
    expect(text).toMatch(/"STATUS_NV"|"Notas" at H, "Notas" at S/);
    expect(text).toMatch(/Columns BN–BO have values but no header/);
  });

  test('duplicates compare normalised (case, accents, spaces)', () => {
    const h = V21.concat(['  ubicacion ']);
    expect(codes(h)).toEqual(['duplicate-header']);
  });

  test('empty sheet, and data without a header row', () => {
    expect(codes([])).toEqual(['empty-sheet']);
    expect(codes(['', '', ''])).toEqual(['no-header']);
  });

  test('expectedColumnCountBefore mismatch is reported with the fix', () => {
    const cfg = { ...config, expectedColumnCountBefore: 64 };
    const a = analyzeHeader(V21, cfg);
    expect(a.problems.map((p) => p.code)).toEqual(['column-count']);
    expect(a.problems[0].message).toMatch(/expects 64 v2.1 columns, but "Operaciones" has 65/);
    expect(codes(V21, { ...config, expectedColumnCountBefore: 65 })).toEqual([]);
    // The v3 columns do not count toward the "before".
    expect(codes(V21.concat(V3), { ...config, expectedColumnCountBefore: 65 })).toEqual([]);
  });
});
