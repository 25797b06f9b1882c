// Crash consistency of the rollback: for every mutating call k of a clean rollback, a fresh
// migrated workbook whose k-th mutating call fails (a transient Apps Script error, or the
// execution killed), before or after the call takes effect; then rollbackMigration is called
// again until it completes. Every case must end in the clean run's state: the v2.1 original
// in the same tab, exactly one snapshot holding the pre-rollback sheet, no leftover tab,
// checkpoint or lease.
//
// The sheet is migrated with small chunks (the `chunkRows` run option), which the backup
// record pins and the rollback takes over, so its chunked phases (the backup's digest, the
// change count, the copy, the proof) each span several chunks and a crash can land between two
// of them.
import { history, migratedWorld, rollBackFully, sheetImage, TARGET, workbookImage } from './rollbackFixture';
import { docProps } from '../helpers/workbookState';
import type { Emulator } from '../../emulator';

/** Descriptions of the sheet protections of a tab (outside any execution: free). */
function protections(emu: Emulator, ssId: string, name: string): string[] {
  return (emu.getSpreadsheet(ssId)!.getSheetByName(name) as any).getProtections('SHEET').map((p: any) => p.getDescription());
}

type Mode = { kind: 'transient' | 'kill'; when: 'before' | 'after' };
// A kill before call k leaves the same state as a kill after call k-1, so 'kill after' covers both.
const MODES: Mode[] = [
  { kind: 'transient', when: 'before' },
  { kind: 'transient', when: 'after' },
  { kind: 'kill', when: 'after' },
];
const ROWS = 120;
const CHUNK = 30;
/** Phases whose work goes chunk by chunk, each chunk checkpointed. */
const CHUNKED = ['check_backup', 'count_changes', 'copy_range', 'prove'];

function crashWorld() {
  return migratedWorld({ rows: ROWS }, { chunkRows: CHUNK });
}

/** The phase a crash left the rollback in, when it stopped between two chunks of a chunked phase. */
function midPhase(emu: Emulator): string | null {
  const raw = docProps(emu)['sm.rollback'];
  if (!raw) return null;
  const p = JSON.parse(raw);
  const at = p.phase === 'count_changes' ? p.count : p.cursor;
  return CHUNKED.includes(p.phase) && at && at.nextRow > 1 && at.nextRow <= at.lastRow ? p.phase : null;
}

function cleanRunCalls(): number {
  const { emu, b } = crashWorld();
  const before = emu.stats.mutatingCalls;
  const r = rollBackFully(b);
  expect(r).toMatchObject({ ok: true, complete: true });
  return emu.stats.mutatingCalls - before;
}

describe('rollback crash consistency (bundle)', () => {
  const N = cleanRunCalls();
  const failedAt = new Set<number>();
  const interruptedMidPhase = new Set<string>();
  let modesRun = 0;

  afterAll(() => {
    if (modesRun < MODES.length) return;
    // eslint-disable-next-line no-console
    console.log(`rollback: ${N - failedAt.size}/${N} crash points converge (each of the ${N} mutating calls of a clean ${ROWS}-row rollback in ${CHUNK}-row chunks killed or failing transiently, then re-run)`);
  });

  test('the clean rollback makes a bounded number of mutating calls', () => {
    expect(N).toBeGreaterThan(10);
    expect(N).toBeLessThan(120);
  });

  for (const mode of MODES) {
    test(`${mode.kind} fault ${mode.when} each of the mutating calls, then re-run: converges`, () => {
      let converged = 0;
      const escaped: number[] = [];
      const diverged: string[] = [];
      for (let k = 1; k <= N; k++) {
        try {
          const { emu, b, ss, original } = crashWorld();
          const id = ss.getId();
          const preRollback = sheetImage(emu, id, TARGET);
          const filesBefore = emu.files().length;
          emu.faults.failMutatingCall(k, mode.kind, mode.when);
          let result: any = null;
          for (let attempt = 0; attempt < 5 && !(result && result.ok && result.complete); attempt++) {
            try {
              result = b.call('rollbackMigration', { confirm: true });
            } catch (e) {
              const phase = midPhase(emu);
              if (phase && mode.kind === 'kill') interruptedMidPhase.add(phase);
              if (mode.kind === 'transient') escaped.push(k);
              expect(String((e as Error).message)).toMatch(mode.kind === 'kill' ? /Exceeded maximum execution time/ : /timed out|server error/);
            }
          }
          emu.faults.clear();
          const where = `k=${k} (${mode.kind} ${mode.when})`;
          expect({ where, ok: result && result.ok, complete: result && result.complete }).toEqual({ where, ok: true, complete: true });
          expect(workbookImage(emu, id)).toEqual(original);
          // Exactly one new file, the snapshot, holding the sheet as it was before the rollback.
          const created = emu.files().slice(filesBefore);
          expect({ where, names: created.map((f) => f.getName().replace(/\d{8}_\d{6}$/, 'STAMP')), trashed: created.map((f) => f.isTrashed()) }).toEqual({
            where,
            names: ['__Kronos_Registro_Piping R04_pre-rollback_snapshot_STAMP'],
            trashed: [false],
          });
          expect(created[0].getId()).toBe(result.snapshotId);
          expect({ ...sheetImage(emu, result.snapshotId, TARGET), sheetId: 0 }).toEqual({ ...preRollback, sheetId: 0 });
          const props = docProps(emu);
          expect({ where, run: props['sm.run'], rollback: props['sm.rollback'], lease: props['sm.lease'] }).toEqual({ where, run: undefined, rollback: undefined, lease: undefined });
          const rollbacks = history(emu).filter((h) => h.kind === 'rollback');
          expect(rollbacks).toHaveLength(1);
          expect(rollbacks[0].snapshotId).toBe(result.snapshotId);
          // The rollback protects the tab while it works and takes its protection away at the end;
          // the snapshot keeps the tab as it was, without the rollback's protection.
          expect({ where, target: protections(emu, id, TARGET), snapshot: protections(emu, result.snapshotId, TARGET) }).toEqual({ where, target: [], snapshot: [] });
          converged++;
        } catch (e) {
          failedAt.add(k);
          diverged.push((e as Error).message.split('\n').slice(0, 6).join(' | '));
        }
      }
      modesRun++;
      expect(diverged).toEqual([]);
      // Transient errors are Apps Script's everyday noise: retries absorb them, the caller never sees one.
      expect(escaped).toEqual([]);
      // eslint-disable-next-line no-console
      console.log(`rollback, ${mode.kind} ${mode.when}: ${converged}/${N} crash points converge`);
    });
  }

  test('some crash points fall between two chunks of every chunked phase, and are resumed from there', () => {
    if (modesRun < MODES.length) return; // the suites above ran filtered
    expect([...interruptedMidPhase].sort()).toEqual(CHUNKED.slice().sort());
  });
});
