// Executions cut off by Apps Script's execution time limit (the emulator's limitSeconds, made
// tiny here so that every execution dies in the middle of a step) resume without loss: the
// migration ends in exactly the state of an uninterrupted run, the rollback in the v2.1
// original, and nothing is left behind.
import { crashWorld, endState, runToEnd } from '../helpers/crashWorld';
import { docProps, json } from '../helpers/workbookState';
import { expectNoLeftovers } from '../helpers/reliability';
import { history, migratedWorld, TARGET, workbookImage } from '../bundle/rollbackFixture';

const EXCEEDED = 'Exceeded maximum execution time';

describe('the execution time limit (6 minutes in Apps Script; a few seconds here)', () => {
  const clean = crashWorld();
  runToEnd(clean);
  const expected = endState(clean);
  /** Deaths that left a long step half done (a checkpoint with a cursor), over all limits. */
  let midStepDeaths = 0;

  test.each([2, 3, 4, 7, 10])('migration: every execution cut off after %i s, re-run until complete, ends in the clean run\'s state', (limitSeconds) => {
    const w = crashWorld();
    let died = 0;
    for (let calls = 0; calls < 100; calls++) {
      let report: any = null;
      try {
        report = w.b.callAs({ limitSeconds }, 'runMigration', { chunkRows: 100 });
      } catch (e) {
        expect((e as Error).message).toMatch(EXCEEDED);
        died++;
        // Cut off inside a long step: its checkpoint holds a cursor to resume from.
        const run = json(docProps(w.emu), 'sm.run');
        if (run && Object.values(run.steps).some((cp: any) => cp.state === 'running' && cp.cursor)) midStepDeaths++;
        continue;
      }
      expect(report.ok).toBe(true);
      if (report.complete) break;
    }
    expect(died).toBeGreaterThan(0);
    expect(w.emu.stats.executions.filter((e) => (e.error || '').includes(EXCEEDED))).toHaveLength(died);
    expect(endState(w)).toEqual(expected);
    expectNoLeftovers(w.emu);
  });

  test('some of those executions died in the middle of a long step (a resume from its cursor, not a step boundary)', () => {
    expect(midStepDeaths).toBeGreaterThan(3);
  });

  test('a limit shorter than the shortest unit of work makes no progress, and loses nothing either', () => {
    const w = crashWorld();
    const before = workbookImage(w.emu, w.id);
    for (let i = 0; i < 5; i++) expect(() => w.b.callAs({ limitSeconds: 0.5 }, 'runMigration', { chunkRows: 100 })).toThrow(EXCEEDED);
    // Whatever was started is recorded; the sheet itself is untouched and a normal run completes.
    expect(workbookImage(w.emu, w.id)).toEqual(before);
    runToEnd(w);
    expect(endState(w)).toEqual(expected);
  });

  test.each([2, 3, 5])('rollback: every execution cut off after %i s, re-run until complete, restores the v2.1 original', (limitSeconds) => {
    const { emu, b, ss, original } = migratedWorld({ rows: 400 });
    const filesBefore = emu.files().length;
    let result: any = null;
    let died = 0;
    for (let calls = 0; calls < 50 && !(result && result.complete); calls++) {
      try {
        result = b.callAs({ limitSeconds }, 'rollbackMigration', { confirm: true });
        expect(result.ok).toBe(true);
      } catch (e) {
        expect((e as Error).message).toMatch(EXCEEDED);
        died++;
      }
    }
    expect(died).toBeGreaterThan(0);
    expect(result).toMatchObject({ ok: true, complete: true });
    expect(workbookImage(emu, ss.getId())).toEqual(original);
    const created = emu.files().slice(filesBefore);
    expect(created.map((f) => f.getId())).toEqual([result.snapshotId]);
    expect(history(emu).filter((h) => h.kind === 'rollback')).toHaveLength(1);
    expect((emu.getSpreadsheet(ss.getId())!.getSheetByName(TARGET) as any).getProtections('SHEET')).toHaveLength(0);
    expectNoLeftovers(emu);
  });
});
