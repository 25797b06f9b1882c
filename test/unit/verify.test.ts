// The verify core: its batched row reads, and the honest report of a full digest that did not
// fit in the time budget.
import { Emulator } from '../../emulator';
import { appsScriptEnv } from '../../src/adapters/env';
import { createContext } from '../../src/api/context';
import { readRows, verifyMigration, VerifyReport } from '../../src/core/verify';
import { migratedWorld } from '../bundle/rollbackFixture';

function verifyCore(emu: Emulator, budgetMs?: number): { report: VerifyReport; mutating: number } {
  const m0 = emu.stats.mutatingCalls;
  const report = emu.runExecution(() => {
    const env = { ...appsScriptEnv(emu.globals()), now: () => emu.clock.now() };
    return verifyMigration(createContext(env), { seed: 1, budgetMs });
  });
  return { report, mutating: emu.stats.mutatingCalls - m0 };
}

describe('verifyMigration core', () => {
  test('with time for it, the full digest runs and counts', () => {
    const { emu } = migratedWorld({ rows: 40 }, { chunkRows: 5 });
    const { report, mutating } = verifyCore(emu);
    expect(mutating).toBe(0);
    expect(report.ok).toBe(true);
    const digest = report.checks.find((c) => c.id === 'v21_digest')!;
    expect(digest).toEqual({ id: 'v21_digest', ok: true, detail: expect.stringMatching(/digest the same as the backup/) });
  });

  test('without time for it, the digest is reported as not run, not as passed', () => {
    const { emu } = migratedWorld({ rows: 40 }, { chunkRows: 5 });
    const { report, mutating } = verifyCore(emu, 1);
    expect(mutating).toBe(0);
    const digest = report.checks.find((c) => c.id === 'v21_digest')!;
    expect(digest.skipped).toBe(true);
    expect(digest.ok).toBe(false);
    expect(digest.detail).toMatch(/^Not run: .*time budget/);
    // The rest passed, so the report passes, and says plainly what it did not check.
    expect(report.ok).toBe(true);
    expect(report.message).toMatch(/Verification passed: 8 checks\. Not run: v21_digest/);
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
