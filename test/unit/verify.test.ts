// The verify core: its batched row reads, and the full digest spread over several calls when it
// does not fit in one: the caller holds the cursor (`resume`), checked against the backup.
import { Emulator } from '../../emulator';
import { appsScriptEnv } from '../../src/adapters/env';
import { createContext } from '../../src/api/context';
import { readRows, verifyMigration, VerifyReport, VerifyOptions } from '../../src/core/verify';
import { migratedWorld, worldImage } from '../bundle/rollbackFixture';

function verifyCore(emu: Emulator, budgetMs?: number, opts: VerifyOptions = {}): { report: VerifyReport; mutating: number } {
  const m0 = emu.stats.mutatingCalls;
  const report = emu.runExecution(() => {
    const env = { ...appsScriptEnv(emu.globals()), now: () => emu.clock.now() };
    return verifyMigration(createContext(env), { seed: 1, budgetMs, ...opts });
  });
  // The cursor crosses to the client as JSON and comes back the same way.
  return { report: JSON.parse(JSON.stringify(report)), mutating: emu.stats.mutatingCalls - m0 };
}

const digestOf = (r: VerifyReport) => r.checks.find((c) => c.id === 'v21_digest')!;

/** Calls verify with a 1 ms budget (one chunk per call) until complete; every report. */
function loop(emu: Emulator, first: VerifyOptions = {}, max = 50): VerifyReport[] {
  const reports = [verifyCore(emu, 1, first).report];
  while (!reports[reports.length - 1].complete && reports.length < max) {
    const last = reports[reports.length - 1];
    reports.push(verifyCore(emu, 1, { seed: last.seed!, resume: last.resume }).report);
  }
  return reports;
}

describe('verifyMigration core', () => {
  test('with time for it, the full digest runs and counts, in one call', () => {
    const { emu } = migratedWorld({ rows: 40 }, { chunkRows: 5 });
    const { report, mutating } = verifyCore(emu);
    expect(mutating).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.complete).toBe(true);
    expect(report.resume).toBeNull();
    const digest = digestOf(report);
    expect(digest).toEqual({ id: 'v21_digest', ok: true, detail: expect.stringMatching(/digest the same as the backup\.$/) });
  });

  test('without time for all of it, the digest is in progress: not passed, a cursor to continue', () => {
    const { emu } = migratedWorld({ rows: 40 }, { chunkRows: 5 });
    const { report, mutating } = verifyCore(emu, 1);
    expect(mutating).toBe(0);
    const digest = digestOf(report);
    expect(digest.skipped).toBe(true);
    expect(digest.ok).toBe(false);
    // One chunk (5 rows) always runs, whatever the budget.
    expect(digest.detail).toBe('In progress: rows 1–5 of 41 compared.');
    expect(report.ok).toBe(false);
    expect(report.complete).toBe(false);
    expect(report.message).toBe('Verification in progress, not passed yet: 8 checks passed, v21_digest in progress (rows 1–5 of 41 compared).');
    expect(report.resume).toEqual({
      seed: 1, backupId: expect.any(String), lastRow: 41, columnCount: 65, chunkRows: 5, nextRow: 6, acc: expect.stringMatching(/^[0-9a-f]{64}$/), calls: 1,
    });
  });

  test('continued call after call, it completes, passes, and says it was spread over the calls', () => {
    const { emu, ss } = migratedWorld({ rows: 40 }, { chunkRows: 5 });
    const before = worldImage(emu, ss.getId());
    const reports = loop(emu, { seed: 9 });
    expect(reports).toHaveLength(9); // 41 rows in chunks of 5
    expect(reports.slice(0, -1).every((r) => !r.complete && !r.ok && r.resume)).toBe(true);
    expect(reports.map((r) => r.resume && r.resume.nextRow)).toEqual([6, 11, 16, 21, 26, 31, 36, 41, null]);
    // The same rows are sampled every call.
    reports.forEach((r) => expect(r.sampledRows).toEqual(reports[0].sampledRows));
    const last = reports[reports.length - 1];
    expect(last.ok).toBe(true);
    expect(last.complete).toBe(true);
    expect(last.resume).toBeNull();
    expect(last.message).toBe('Verification passed: 9 checks.');
    expect(digestOf(last).detail).toBe('Rows 1–41 × columns A–BM (values and formulas) digest the same as the backup. Compared over 9 calls; rows compared in an earlier call may have been edited since.');
    expect(worldImage(emu, ss.getId())).toEqual(before);
  });

  test('a v2.1 cell edited between calls, in rows not compared yet, fails the digest', () => {
    const { emu, ss } = migratedWorld({ rows: 40 }, { chunkRows: 5 });
    const first = verifyCore(emu, 1, { seed: 9 }).report;
    const row = [30, 31, 32, 33].find((r) => !first.sampledRows.includes(r))!;
    emu.getSpreadsheet(ss.getId())!.getSheetByName('Operaciones')!.getRange(row, 2).setValues([['edited']]);
    const reports = loop(emu, { seed: 9, resume: first.resume });
    const last = reports[reports.length - 1];
    expect(last.complete).toBe(true);
    expect(last.ok).toBe(false);
    expect(last.checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(['v21_digest']);
    expect(digestOf(last).detail).toMatch(/differ from the backup \(digest mismatch\).*Compared over 9 calls/);
  });

  const bad: Array<[string, (r: any) => unknown]> = [
    ['not an object', () => 'resume'],
    ['an array', () => [1, 2]],
    ['nextRow past the end', (r) => ({ ...r, nextRow: r.lastRow + 1 })],
    ['nextRow not after whole chunks', (r) => ({ ...r, nextRow: r.nextRow + 1 })],
    ['nextRow a string', (r) => ({ ...r, nextRow: String(r.nextRow) })],
    ['acc not hex', (r) => ({ ...r, acc: 'z'.repeat(64) })],
    ['acc in upper case', (r) => ({ ...r, acc: r.acc.toUpperCase() })],
    ['acc too short', (r) => ({ ...r, acc: r.acc.slice(1) })],
    ['more calls than chunks', (r) => ({ ...r, calls: 99 })],
    ['calls zero', (r) => ({ ...r, calls: 0 })],
    ['seed missing', (r) => ({ ...r, seed: undefined })],
    ['chunkRows fractional', (r) => ({ ...r, chunkRows: 2.5 })],
  ];
  test.each(bad)('a resume with %s starts over from row 1 and says why', (_, tamper) => {
    const { emu } = migratedWorld({ rows: 40 }, { chunkRows: 5 });
    const second = verifyCore(emu, 1, { resume: verifyCore(emu, 1).report.resume }).report;
    expect(second.resume!.nextRow).toBe(11);
    const { report } = verifyCore(emu, 1, { resume: tamper(second.resume) });
    expect(digestOf(report).detail).toBe('In progress: rows 1–5 of 41 compared. Started again from row 1: the resume given is not valid.');
    expect(report.resume).toMatchObject({ nextRow: 6, calls: 1 });
  });

  test.each([
    ['backupId', (r: any) => ({ ...r, backupId: 'another-file' })],
    ['lastRow', (r: any) => ({ ...r, lastRow: 46 })],
    ['columnCount', (r: any) => ({ ...r, columnCount: 64 })],
    ['chunkRows', (r: any) => ({ ...r, chunkRows: 1 })],
  ])('a resume for another backup (%s) starts over from row 1', (_, other) => {
    const { emu } = migratedWorld({ rows: 40 }, { chunkRows: 5 });
    const { report } = verifyCore(emu, 1, { resume: other(verifyCore(emu, 1).report.resume) });
    expect(digestOf(report).detail).toMatch(/^In progress: rows 1–5 of 41 compared\. Started again from row 1: the resume given is for another backup\.$/);
  });

  test('a well-formed cursor with a wrong digest can only fail, never pass', () => {
    const { emu } = migratedWorld({ rows: 40 }, { chunkRows: 5 });
    const r = verifyCore(emu, 1).report.resume!;
    const { report } = verifyCore(emu, undefined, { resume: { ...r, acc: '0'.repeat(64) } });
    expect(report.complete).toBe(true);
    expect(digestOf(report).ok).toBe(false);
  });

  test('without a seed, the resume\'s seed keeps the same sample', () => {
    const { emu } = migratedWorld({ rows: 40 }, { chunkRows: 5 });
    const first = verifyCore(emu, 1, { seed: 77 }).report;
    const { report } = verifyCore(emu, 1, { seed: undefined, resume: first.resume });
    expect(report.seed).toBe(77);
    expect(report.sampledRows).toEqual(first.sampledRows);
  });
});

describe('opening the backup', () => {
  /** One verify whose every openById fails with `message`. */
  function verifyFailingOpen(emu: Emulator, message: string): VerifyReport {
    return emu.runExecution(() => {
      const env = { ...appsScriptEnv(emu.globals()), now: () => emu.clock.now() };
      env.openSpreadsheetById = () => {
        throw new Error(message);
      };
      return verifyMigration(createContext(env), { seed: 1 });
    });
  }

  test('a transient error is thrown (try again), never reported as "its tab is gone"', () => {
    const { emu } = migratedWorld({ rows: 10 });
    expect(() => verifyFailingOpen(emu, 'Service Spreadsheets timed out while accessing document with id x.')).toThrow(/timed out/);
    // A file that cannot be opened at all still fails the comparison, as a check.
    const report = verifyFailingOpen(emu, 'Unexpected error while getting the method or property openById on object SpreadsheetApp.');
    expect(report.checks.find((c) => c.id === 'v21_spot_check')).toMatchObject({ ok: false, detail: expect.stringMatching(/^Cannot compare with the backup: its tab "Operaciones" is gone\.$/) });
  });
});

test('readRows returns the asked rows in order, reading neighbours together', () => {
  const { emu, ss } = migratedWorld({ rows: 60 });
  const sheet = emu.getSpreadsheet(ss.getId())!.getSheetByName('Operaciones')!;
  const rows = [1, 3, 4, 20, 58];
  const calls0 = { ...emu.stats.calls };
  const block = emu.runExecution(() => readRows(appsScriptEnv(emu.globals()).activeSpreadsheet().getSheetByName('Operaciones')!, rows, 5));
  const reads = (emu.stats.calls['Range.getValues'] || 0) - (calls0['Range.getValues'] || 0);
  expect(reads).toBe(2); // 1–20 together, 58 alone
  rows.forEach((r, i) => expect(block.values[i]).toEqual(sheet.getRange(r, 1, 1, 5).getValues()[0]));
});
