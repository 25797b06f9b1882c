// The verify core: its row sample, and the honest report of a full digest that did not fit
// in the time budget.
import { Emulator } from '../../emulator';
import { appsScriptEnv } from '../../src/adapters/env';
import { createContext } from '../../src/api/context';
import { sampleRows, verifyMigration, VerifyReport } from '../../src/core/verify';
import { migratedWorld } from '../bundle/rollbackFixture';

function verifyCore(emu: Emulator, budgetMs?: number): { report: VerifyReport; mutating: number } {
  const m0 = emu.stats.mutatingCalls;
  const report = emu.runExecution(() => {
    const env = { ...appsScriptEnv(emu.globals()), now: () => emu.clock.now() };
    return verifyMigration(createContext(env), { seed: 1, budgetMs });
  });
  return { report, mutating: emu.stats.mutatingCalls - m0 };
}

describe('sampleRows', () => {
  test('distinct rows in range, ascending, repeatable by seed', () => {
    const a = sampleRows(99, 2, 2501, 10);
    expect(a).toHaveLength(10);
    expect(new Set(a).size).toBe(10);
    expect(a.every((r) => r >= 2 && r <= 2501)).toBe(true);
    expect(a).toEqual([...a].sort((x, y) => x - y));
    expect(sampleRows(99, 2, 2501, 10)).toEqual(a);
    expect(sampleRows(100, 2, 2501, 10)).not.toEqual(a);
  });

  test('fewer rows than the sample size: every row once', () => {
    expect(sampleRows(5, 2, 6, 10)).toEqual([2, 3, 4, 5, 6]);
    expect(sampleRows(5, 2, 1, 10)).toEqual([]);
  });

  test('a 1,000,000-row range costs the sample, not the range', () => {
    const t0 = Date.now();
    const rows = sampleRows(3, 2, 1000001, 10);
    expect(Date.now() - t0).toBeLessThan(50);
    expect(new Set(rows).size).toBe(10);
  });

  test('every row can be drawn', () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 200; seed++) sampleRows(seed, 2, 21, 3).forEach((r) => seen.add(r));
    expect(seen.size).toBe(20);
  });
});

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
