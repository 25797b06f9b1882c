// The rollback core, called directly (not through the bundle) with a small time budget and
// small chunks, so that it must spread over several executions; plus the change count and the
// state classification it rests on.
import { Emulator } from '../../emulator';
import { appsScriptEnv } from '../../src/adapters/env';
import { createContext, getConfig } from '../../src/api/context';
import { rollbackMigration, RollbackResult } from '../../src/core/rollback';
import { countNextChunk, findV3Columns, startCount } from '../../src/core/rollback/changes';
import { addDays, describeAge, migrationState } from '../../src/core/rollback/state';
import { Budget } from '../../src/core/rollback/budget';
import { PHASE_LABELS, PHASES, phaseLabel } from '../../src/core/rollback/progress';
import { StateStore } from '../../src/core/state';
import { history, migratedWorld, migrateFully, sampleWorld, TARGET, workbookImage } from '../bundle/rollbackFixture';
import { docProps } from '../helpers/workbookState';

/** A core context on the emulator, on its virtual clock, with the plan's chunk size overridden. */
function core(emu: Emulator, chunkRows: number) {
  const env = { ...appsScriptEnv(emu.globals()), now: () => emu.clock.now() };
  const ctx = createContext(env);
  return { ...ctx, config: { ...ctx.config, chunkRows } };
}

function rollbackCall(emu: Emulator, chunkRows: number, budgetMs: number): { result: RollbackResult; modelledMs: number } {
  const result = emu.runExecution(() => rollbackMigration(core(emu, chunkRows), { confirm: true, budgetMs }));
  const exec = emu.stats.executions[emu.stats.executions.length - 1];
  return { result, modelledMs: exec.modelledMs };
}

describe('rollback over several executions', () => {
  test('a sheet too big for one budget is rolled back in bounded calls that resume each other', () => {
    const { emu, b, ss, original } = sampleWorld({ rows: 600 });
    migrateFully(b, { chunkRows: 40 });
    const budgetMs = 1500;
    const calls: Array<{ phase: string | null; ms: number; complete: boolean }> = [];
    let r: RollbackResult | null = null;
    for (let i = 0; i < 60 && !(r && r.complete); i++) {
      const { result, modelledMs } = rollbackCall(emu, 40, budgetMs);
      expect(result.ok).toBe(true);
      calls.push({ phase: result.phase, ms: modelledMs, complete: result.complete });
      // What a paused call says names the phase in words, never by its id.
      if (!result.complete) {
        expect(result.message).toContain(`Rollback in progress (next: ${phaseLabel(result.phase!)})`);
        expect(result.message).not.toMatch(/\bphase\b/);
      }
      r = result;
    }
    expect(r!.complete).toBe(true);
    expect(calls.length).toBeGreaterThan(4);
    // Paused inside the long phases, not only between them.
    expect(calls.filter((c) => c.phase === 'copy_range').length).toBeGreaterThan(1);
    // Each call stays within its budget, apart from the one unit that must run to make progress
    // (the whole-file snapshot copy alone is modelled at over 2 s).
    const overBudget = calls.filter((c) => c.ms > budgetMs + 600);
    expect(overBudget.length).toBeLessThanOrEqual(1);
    expect(workbookImage(emu, ss.getId())).toEqual(original);
    expect(docProps(emu)['sm.rollback']).toBeUndefined();
    expect(history(emu).filter((h) => h.kind === 'rollback')).toHaveLength(1);
  });

  test('killed at any call of a multi-call rollback, it still converges', () => {
    // Count the calls of a clean multi-call rollback, then kill at a spread of them (every
    // call is covered by the single-execution crash suite in test/bundle/rollback-crash.test.ts).
    const ROWS = 50;
    const CHUNK = 10;
    const BUDGET = 600;
    const clean = sampleWorld({ rows: ROWS });
    migrateFully(clean.b, { chunkRows: CHUNK });
    const m0 = clean.emu.stats.mutatingCalls;
    let calls = 0;
    for (; calls < 60; calls++) if (rollbackCall(clean.emu, CHUNK, BUDGET).result.complete) break;
    const N = clean.emu.stats.mutatingCalls - m0;
    expect(calls).toBeGreaterThan(3);
    const ks = [...Array(N).keys()].map((k) => k + 1).filter((k) => k % 6 === 1 || k > N - 6);
    for (const k of ks) {
      const { emu, b, ss, original } = sampleWorld({ rows: ROWS });
      migrateFully(b, { chunkRows: CHUNK });
      emu.faults.failMutatingCall(k, 'kill', 'after');
      let done = false;
      for (let i = 0; i < 80 && !done; i++) {
        try {
          done = rollbackCall(emu, CHUNK, BUDGET).result.complete;
        } catch (e) {
          expect((e as Error).message).toMatch(/Exceeded maximum execution time/);
        }
      }
      expect({ k, done }).toEqual({ k, done: true });
      expect(workbookImage(emu, ss.getId())).toEqual(original);
      expect(emu.files().filter((f) => /pre-rollback_snapshot/.test(f.getName()))).toHaveLength(1);
    }
  });
});

describe('opening the backup', () => {
  test('a transient error in the preview is thrown, never read as "the backup was edited"', () => {
    const { emu } = migratedWorld({ rows: 10 });
    const preview = (failOpen: boolean) =>
      emu.runExecution(() => {
        const ctx = core(emu, 5);
        if (failOpen) {
          ctx.env.openSpreadsheetById = () => {
            throw new Error('Service Spreadsheets timed out while accessing document with id x.');
          };
        }
        return rollbackMigration(ctx, {});
      });
    expect(() => preview(true)).toThrow(/timed out/);
    expect(preview(false)).toMatchObject({ canRollBack: true });
  });
});

describe('phase labels', () => {
  test('every phase has plain words, and an unknown id still reads as words', () => {
    expect(Object.keys(PHASE_LABELS).sort()).toEqual([...PHASES].sort());
    for (const p of PHASES) expect(phaseLabel(p)).toMatch(/^[a-z][a-z’ ]+$/);
    expect(phaseLabel('some_new_phase')).toBe('some new phase');
  });

  test('the preview of a rollback under way says where it stopped in words', () => {
    const { emu, b } = sampleWorld({ rows: 200 });
    migrateFully(b, { chunkRows: 20 });
    const paused = rollbackCall(emu, 20, 400).result;
    expect(paused).toMatchObject({ ok: true, complete: false });
    const shown = emu.runExecution(() => rollbackMigration(core(emu, 20), {}));
    expect(shown.message).toContain(`A rollback is in progress (it stopped while ${phaseLabel(paused.phase!)}).`);
    expect(shown.message).not.toMatch(/phase [a-z_]+/);
  });
});

describe('change count', () => {
  function setup() {
    const w = migratedWorld({ rows: 8 });
    const backupId = JSON.parse(docProps(w.emu)['sm.backup']).id;
    const target = w.emu.getSpreadsheet(w.ss.getId())!.getSheetByName(TARGET)!;
    const backup = w.emu.getSpreadsheet(backupId)!.getSheetByName(TARGET)!;
    const config = core(w.emu, 3).config;
    const count = () => {
      const v3 = findV3Columns(target.getRange(1, 1, 1, target.getLastColumn()).getValues()[0], config);
      let c = startCount(target as any, backup as any, backup.getLastRow(), 1);
      while (c.nextRow <= c.lastRow) c = countNextChunk(target as any, backup as any, backup.getLastRow(), c, v3, 3);
      return c;
    };
    return { ...w, target, count };
  }

  test('right after the migration nothing counts: version 0 is not v3 data, headers are not data', () => {
    const { count } = setup();
    expect(count()).toMatchObject({ changedRows: 0, rowsWithV3Data: 0, changedSample: [] });
  });

  test('edited v2.1 cells, v3 values and appended rows are counted, each row once', () => {
    const { target, count } = setup();
    target.getRange('B3').setValues([['x']]);
    target.getRange('C3').setValues([['y']]);
    target.getRange(4, 66).setValues([['ana']]); // Ocupado_Por
    target.getRange(5, 68).setValues([[2]]); // version bumped by an app
    target.insertRowsAfter(target.getMaxRows(), 1);
    target.getRange(10, 1).setValues([[999]]); // a row added after the migration
    expect(count()).toMatchObject({ changedRows: 2, rowsWithV3Data: 2, changedSample: [3, 10] });
  });

  test('a column inserted among the v2.1 columns shifts, and so changes, every row', () => {
    const { target, count } = setup();
    target.insertColumnsAfter(10, 1);
    expect(count()).toMatchObject({ changedRows: 9, changedSample: [1, 2, 3, 4, 5, 6, 7, 8, 9], rowsWithV3Data: 0 });
  });
});

describe('migration state', () => {
  function store(emu: Emulator) {
    return new StateStore(appsScriptEnv(emu.globals()).documentProperties());
  }
  const config = getConfig();

  test('none without a backup; complete, rolled back and partial from the records', () => {
    const { emu, b } = sampleWorld({ rows: 4 });
    expect(migrationState(store(emu), config, false).kind).toBe('none');
    b.call('runMigration', {});
    const complete = migrationState(store(emu), config, true);
    expect(complete.kind).toBe('complete');
    if (complete.kind === 'complete') expect(complete.rollbackUntil).toBe(complete.entry.rollbackUntil);
    b.call('rollbackMigration', { confirm: true });
    expect(migrationState(store(emu), config, false).kind).toBe('rolled_back');
    // v3 columns without a run or a completed migration (checkpoints forgotten): partial.
    const partial = migrationState(store(emu), config, true);
    expect(partial.kind).toBe('partial');
    if (partial.kind === 'partial') expect(partial.rollbackUntil).toBe(addDays(partial.backup.createdAt, 7));
  });

  test('describeAge', () => {
    const t = Date.UTC(2026, 0, 10);
    expect(describeAge(new Date(t - 5 * 60000).toISOString(), t)).toBe('5 minutes');
    expect(describeAge(new Date(t - 3 * 3600000).toISOString(), t)).toBe('3 hours');
    expect(describeAge(new Date(t - (3 * 24 + 2) * 3600000).toISOString(), t)).toBe('3 days 2 hours');
  });
});

describe('budget', () => {
  test('the first unit always fits; later ones need room for the slowest seen', () => {
    let now = 0;
    const budget = new Budget({ now: () => now }, 1000);
    now = 5000; // already far over budget
    expect(budget.fits(100)).toBe(true);
    budget.measure(() => (now += 10));
    expect(budget.fits()).toBe(false);
    const fresh = new Budget({ now: () => now }, 1000);
    fresh.measure(() => (now += 300));
    expect(fresh.fits()).toBe(true); // 700 left > 450
    fresh.measure(() => (now += 300));
    expect(fresh.fits()).toBe(false); // 400 left < 450
  });
});
