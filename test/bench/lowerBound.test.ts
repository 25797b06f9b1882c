// The benchmark's lower bound (bench/lowerBound.ts): the fewest Spreadsheet calls each step
// could make, as issue 6 defines it.
import { blockReads, coveringReads, lowerBound } from '../../bench/lowerBound';
import { PAYLOAD_CELLS } from '../../bench/payload';

describe('blockReads', () => {
  test('calls of at most `payload` cells, whole rows each', () => {
    expect(blockReads(0, 65, 200000)).toBe(0);
    expect(blockReads(1, 65, 200000)).toBe(1);
    // 200,000 / 65 = 3,076 rows per call.
    expect(blockReads(3076, 65, 200000)).toBe(1);
    expect(blockReads(3077, 65, 200000)).toBe(2);
    expect(blockReads(147001, 65, 200000)).toBe(48);
    // A row wider than the payload still takes one call per row.
    expect(blockReads(3, 300000, 200000)).toBe(3);
  });
});

describe('coveringReads', () => {
  test('greedy covering of sorted rows by spans of maxSpan rows', () => {
    expect(coveringReads([], 10)).toBe(0);
    expect(coveringReads([5], 10)).toBe(1);
    expect(coveringReads([1, 10], 10)).toBe(1);
    expect(coveringReads([1, 11], 10)).toBe(2);
    expect(coveringReads([30, 1, 2, 25, 11], 10)).toBe(3); // {1,2} {11} {25,30}
  });
});

describe('lowerBound', () => {
  const base = { columnsBefore: 65, columnsAdded: 3, initialisedColumns: 1, sampleRows: 10, payloadCells: PAYLOAD_CELLS };

  test('147,000 rows: the issue\'s terms, step by step', () => {
    const b = lowerBound({ ...base, lastRow: 147001, dataRows: 147000 });
    expect(b.create_backup.parts).toEqual({ headerRead: 1, digestSource: 96, copy: 1, digestCopy: 96 });
    expect(b.create_backup.calls).toBe(194);
    expect(b.add_v3_columns).toEqual({ calls: 3, parts: { headerRead: 1, insertColumns: 1, writeHeaders: 1 } });
    expect(b.verify_schema.calls).toBe(1);
    // version: 147,000 one-column cells fit in one setValues.
    expect(b.initialize_versions).toEqual({ calls: 2, parts: { headerRead: 1, setValues: 1 } });
    // Worst case for the sample: 10 rows far apart, values + formulas, both sides.
    expect(b.test_smoke.parts).toEqual({ headerRead: 1, sampleBothSides: 40, digestCurrent: 96 });
  });

  test('the sample counts the rows actually drawn, grouped by what one call can carry', () => {
    const b = lowerBound({ ...base, lastRow: 2501, dataRows: 2500, sampledRows: [3, 100, 900, 2400] });
    // 2,500 rows × 68 columns fit in one call per side: 2 calls (values, formulas) per side.
    expect(b.test_smoke.parts.sampleBothSides).toBe(4);
    const far = lowerBound({ ...base, lastRow: 147001, dataRows: 147000, sampledRows: [2, 3000, 90000] });
    // Current side, 68 columns: 2,941 rows per call, so rows 2 and 3,000 need a read each (3 reads);
    // backup side, 65 columns: 3,076 rows per call, so they share one (2 reads). Values + formulas.
    expect(far.test_smoke.parts.sampleBothSides).toBe(2 * 3 + 2 * 2);
  });

  test('more columns before means more digest reads; the bound never counts a row twice', () => {
    const narrow = lowerBound({ ...base, lastRow: 10001, dataRows: 10000 });
    const wide = lowerBound({ ...base, columnsBefore: 130, lastRow: 10001, dataRows: 10000 });
    expect(wide.create_backup.parts.digestSource).toBeGreaterThan(narrow.create_backup.parts.digestSource);
    expect(narrow.create_backup.parts.digestSource).toBe(2 * Math.ceil(10001 / Math.floor(PAYLOAD_CELLS / 65)));
  });
});
