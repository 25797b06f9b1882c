// Two executions at once, and what one leaves behind for the next: two sidebars pressing Run
// at the same moment (interleaved at every call), a migration against a rollback, a stale
// lease from a killed execution, a migration attempted while a rollback is paused half-way,
// and the protections that keep other editors' writes from being lost meanwhile.
import { Emulator, Execution } from '../../emulator';
import { crossWire } from '../helpers/bundle';
import { crashWorld, CrashWorld, endState, runToEnd } from '../helpers/crashWorld';
import { docProps, json } from '../helpers/workbookState';
import { spreadsheetTime } from '../helpers/emuEnv';
import { expectActionable, expectNoLeftovers, interruptedRollback, OWNER, stateOf, VISITOR } from '../helpers/reliability';
import { migratedWorld, rollBackFully, TARGET, workbookImage } from '../bundle/rollbackFixture';

const ROWS = 40;
const CHUNK = 100;
const HELD = new RegExp(`already being run by ${OWNER.replace('.', '\\.')} since (.+?)\\. Wait for it to finish`);
const BUSY = /Another Sheet Migrator execution is saving its state right now\. Wait a few seconds and try again\./;

type Call = (api: Record<string, any>) => unknown;

/**
 * Runs `a` as one execution and, just before its `at`-th service call, all of `b` as a second
 * execution: the two sidebars' google.script.run calls arriving at the same moment, with `b`
 * landing at every possible point of `a`. Returns both results (or errors) and how many calls
 * `a` made.
 */
function interleave(emu: Emulator, load: () => Record<string, any>, a: Call, b: Call, at: number) {
  const rt = emu.context.rt as any;
  const A: Execution = emu.startExecution({});
  const B: Execution = emu.startExecution({});
  const original = rt.call;
  let seen = 0;
  let bResult: any;
  let bRan = false;
  rt.call = function (name: string, spec: unknown, fn: () => unknown) {
    if (rt.current === A && rt.depth === 0 && !bRan && ++seen === at) {
      bRan = true;
      bResult = B.run(() => crossWire(b(load())));
    }
    return original.call(rt, name, spec, fn);
  };
  try {
    const aResult: any = A.run(() => crossWire(a(load())));
    return { a: aResult, b: bResult, bRan, calls: seen };
  } finally {
    rt.call = original;
    A.end();
    B.end();
  }
}

function run(clientId: string): Call {
  return (api) => api.runMigrationStep({ clientId, chunkRows: CHUNK });
}

/** The loser's refusal: it names who holds the migration and since when (or, inside the lease's own write, asks to wait). */
function expectRefusedNamingHolder(loser: any): void {
  expect(loser.ok).toBe(false);
  expect(loser.complete).toBe(false);
  if (BUSY.test(loser.message)) return;
  const m = HELD.exec(loser.message);
  expect(m).not.toBeNull();
  expect(loser.status.running.by).toBe(OWNER);
  expect(m![1]).toBe(spreadsheetTime(loser.status.running.since));
}

describe('two sidebars press Run at the same moment', () => {
  const clean = crashWorld(ROWS);
  runToEnd(clean);
  const expected = endState(clean);
  const callsOfOneUnit = (() => {
    const w = crashWorld(ROWS);
    return interleave(w.emu, w.b.load, run('A'), run('B'), Number.MAX_SAFE_INTEGER).calls;
  })();

  test('at every call of the first one: exactly one proceeds, the other is refused saying who and since when; the winner finishes cleanly', () => {
    expect(callsOfOneUnit).toBeGreaterThan(20);
    const outcomes = { aWon: 0, bWon: 0, busy: 0 };
    for (let at = 1; at <= callsOfOneUnit; at++) {
      const w: CrashWorld = crashWorld(ROWS);
      const r = interleave(w.emu, w.b.load, run('A'), run('B'), at);
      expect(r.bRan).toBe(true);
      const where = `B at call ${at} of A`;
      expect({ where, okCount: [r.a.ok, r.b.ok].filter(Boolean).length }).toEqual({ where, okCount: 1 });
      const [winner, loser, id] = r.a.ok ? [r.a, r.b, 'A'] : [r.b, r.a, 'B'];
      expectRefusedNamingHolder(loser);
      if (BUSY.test(loser.message)) outcomes.busy++;
      if (id === 'A') outcomes.aWon++;
      else outcomes.bWon++;
      expect(json(docProps(w.emu), 'sm.lease').owner).toBe(`${OWNER}#${id}`);
      expect(winner.step).toBe('create_backup');
      // The winner goes on to the end; the result is exactly an undisturbed run's.
      for (let i = 0; i < 40; i++) if (w.b.call('runMigrationStep', { clientId: id }).complete) break;
      expect(endState(w)).toEqual(expected);
      expectNoLeftovers(w.emu);
    }
    // Both orders happened, and the lease's own read-modify-write window was hit too.
    expect(outcomes.aWon).toBeGreaterThan(0);
    expect(outcomes.bWon).toBeGreaterThan(0);
    expect(outcomes.busy).toBeGreaterThan(0);
  });

  test('a rollback and a forced migration at the same moment: never both at work; whichever comes second waits for the first to finish', () => {
    const probe = migratedWorld({ rows: 4 });
    const rollback: Call = (api) => api.rollbackMigration({ confirm: true });
    const forced: Call = (api) => api.runMigrationStep({ force: true, clientId: 'B' });
    const calls = interleave(probe.emu, probe.b.load, rollback, forced, Number.MAX_SAFE_INTEGER).calls;
    let overlapped = 0;
    for (let at = 1; at <= calls; at += 3) {
      const w = migratedWorld({ rows: 4 });
      const r = interleave(w.emu, w.b.load, rollback, forced, at);
      const where = `B at call ${at} of A`;
      if (r.a.ok && r.b.ok) {
        // Not at the same moment after all: the rollback had already finished and let go.
        const rolledBack = JSON.parse(docProps(w.emu)['sm.history']).entries.filter((h: any) => h.kind === 'rollback');
        expect({ where, rollbackComplete: r.a.complete, rolledBack: rolledBack.length }).toEqual({ where, rollbackComplete: true, rolledBack: 1 });
        expect(Date.parse(json(docProps(w.emu), 'sm.lease').since)).toBeGreaterThanOrEqual(Date.parse(rolledBack[0].at));
        continue;
      }
      overlapped++;
      expect({ where, okCount: [r.a.ok, r.b.ok].filter(Boolean).length }).toEqual({ where, okCount: 1 });
      const loser = r.a.ok ? r.b : r.a;
      expect(loser.message).toMatch(/already being run by owner@example\.com since|saving its state right now|rollback to v2\.1 started by owner@example\.com .* has not finished/);
    }
    expect(overlapped).toBeGreaterThan(calls / 6);
  });
});

describe('a stale lease from a killed execution', () => {
  test('refused (with who and since) while it is live, taken over once it expires, then the run ends as an undisturbed one', () => {
    const clean = crashWorld(ROWS);
    runToEnd(clean);
    const w = crashWorld(ROWS);
    // The first sidebar's execution dies right after taking the lease and saving the run record.
    w.emu.faults.failMutatingCall(3, 'kill', 'after');
    expect(() => w.b.call('runMigrationStep', { clientId: 'A', chunkRows: CHUNK })).toThrow(/Exceeded maximum execution time/);
    const lease = json(docProps(w.emu), 'sm.lease');
    expect(lease.owner).toBe(`${OWNER}#A`);

    const refused = w.b.call('runMigrationStep', { clientId: 'B' });
    expectRefusedNamingHolder(refused);
    expect(refused.message).toContain(`its hold expires at ${spreadsheetTime(lease.expiresAt)}`);
    expect(w.b.callAs({ user: VISITOR }, 'getMigrationStatus').running).toEqual({ by: OWNER, since: lease.since });

    w.emu.clock.set(Date.parse(lease.expiresAt) + 1000);
    expect(w.b.callAs({ user: VISITOR }, 'getMigrationStatus').running).toBeNull();
    const taken = w.b.call('runMigrationStep', { clientId: 'B' });
    expect(taken.ok).toBe(true);
    expect(json(docProps(w.emu), 'sm.lease').owner).toBe(`${OWNER}#B`);
    for (let i = 0; i < 40; i++) if (w.b.call('runMigrationStep', { clientId: 'B' }).complete) break;
    expect(endState(w)).toEqual(endState(clean));
  });
});

describe('a rollback paused half-way', () => {
  test('a migration is refused (forced or not, also after the rollback\'s lease expired), Status says why; the rollback then finishes and the migration may run again', () => {
    const { emu, b, ss, original } = interruptedRollback(['fit_grid', 'copy_range', 'prove']);
    emu.clock.advance(10 * 60 * 1000);
    const before = stateOf(emu);
    for (const options of [{}, { force: true }, { clientId: 'X' }]) {
      const r = b.call('runMigration', options);
      expect(r.ok).toBe(false);
      expectActionable(r.message, /A rollback to v2\.1 started by owner@example\.com on \d{1,2} \w{3} \d{4}, \d\d:\d\d \(America\/Santiago\) has not finished \(it stopped while [^)]+\)\. Nothing was changed\. Finish it first/);
    }
    expect(b.call('runMigrationStep', { dryRun: true }).problems[0]).toMatch(/has not finished/);
    const status = b.call('getMigrationStatus');
    expect(status.problem).toMatch(/has not finished/);
    expect(status.rollbackInProgress).toMatchObject({ by: OWNER, phase: expect.any(String) });
    expect(stateOf(emu)).toEqual(before);

    expect(rollBackFully(b)).toMatchObject({ ok: true, complete: true });
    expect(workbookImage(emu, ss.getId())).toEqual(original);
    expect(b.call('getMigrationStatus').rollbackInProgress).toBeNull();
    expect(b.call('runMigration').ok).toBe(true);
  });

  test('the tab stays protected: another editor\'s write is refused instead of being lost; the protection goes when the rollback ends, and is not in the snapshot', () => {
    const { emu, b, ss } = interruptedRollback(['fit_grid', 'copy_range', 'prove']);
    const sheet = emu.getSpreadsheet(ss.getId())!.getSheetByName(TARGET) as any;
    expect(sheet.getProtections('SHEET').map((p: any) => p.getDescription())).toEqual(['Sheet Migrator: rollback in progress']);
    expect(() => emu.runExecution(() => sheet.getRange(5, 3).setValue('escrito durante el rollback'), { user: 'editor@example.com' })).toThrow(/protected cell/);
    const done = rollBackFully(b);
    expect(done).toMatchObject({ ok: true, complete: true });
    expect(sheet.getProtections('SHEET')).toHaveLength(0);
    const snapshotTab = emu.getSpreadsheet(done.snapshotId)!.getSheetByName(TARGET) as any;
    expect(snapshotTab.getProtections('SHEET')).toHaveLength(0);
    expectNoLeftovers(emu);
  });

  test('a protection the owner set up is left alone by the rollback', () => {
    const w = migratedWorld({ rows: 4 });
    const sheet = w.emu.getSpreadsheet(w.ss.getId())!.getSheetByName(TARGET) as any;
    sheet.protect().setDescription('Owner lock');
    expect(rollBackFully(w.b)).toMatchObject({ ok: true, complete: true });
    expect(sheet.getProtections('SHEET').map((p: any) => p.getDescription())).toEqual(['Owner lock']);
  });
});

describe('the backup copy', () => {
  test('does not keep the "migration in progress" protection it was copied with', () => {
    const w = migratedWorld({ rows: 4 });
    const backupId = json(docProps(w.emu), 'sm.backup').id;
    for (const tab of w.emu.getSpreadsheet(backupId)!.getSheets() as any[]) expect(tab.getProtections('SHEET')).toHaveLength(0);
  });
});
