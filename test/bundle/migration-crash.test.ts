// Interruption after (and before) every mutating call of a clean migration, followed by a
// resume, must end in exactly the clean run's state. A 400-row sheet with 100-row chunks
// (the `chunkRows` run option, meant for tests: the bundle's config is fixed at 2,000) so
// that every long step crosses several chunks.
import { bookSnapshot } from '../helpers/workbookState';
import { CRASH_ROWS as ROWS, crashWorld as world, endState, runToEnd } from '../helpers/crashWorld';

describe('crash consistency of the migration', () => {
  const clean = world();
  const originalBook = bookSnapshot(clean.emu, clean.id);
  runToEnd(clean);
  const N = clean.emu.stats.mutatingCalls;
  const expected = endState(clean);
  const expectedText = JSON.stringify(expected);
  /** Crash points k at which every kind of fault converged (filled by the tests below). */
  const failedAt = new Set<number>();
  let modesRun = 0;

  test('the clean run: state as expected, and enough crash points to mean something', () => {
    expect(expected.keys).toEqual(['sm.backup', 'sm.history']);
    expect(expected.history).toHaveLength(1);
    expect(expected.history[0]).toMatchObject({ kind: 'migration', rowsWritten: ROWS, backupId: true });
    expect(expected.untrashedFiles).toBe(2);
    expect(expected.trashedFiles).toBe(0);
    // Each v3 header once, at the end; version 0 on every data row; v2.1 cells untouched.
    const target = expected.book[0];
    const header = target.values[0] as string[];
    const v21 = originalBook[0].values[0].length;
    expect(header.slice(v21)).toEqual(['Ocupado_Por', 'Fecha_Ocupacion', 'version']);
    expect(header.filter((h) => ['Ocupado_Por', 'Fecha_Ocupacion', 'version'].includes(h))).toHaveLength(3);
    expect(target.values.slice(1).map((r) => r[header.indexOf('version')])).toEqual(new Array(ROWS).fill(0));
    expect(target.values.map((r) => r.slice(0, v21))).toEqual(originalBook[0].values);
    expect(target.formulas.map((r) => r.slice(0, v21))).toEqual(originalBook[0].formulas);
    expect(target.protections).toEqual([]);
    // The backup equals the v2.1 original in every tab, and carries no migration protection.
    expect(expected.backupBook).toEqual(originalBook);
    expect(N).toBeGreaterThan(30);
  });

  afterAll(() => {
    if (modesRun < 4) return;
    // eslint-disable-next-line no-console
    console.log(`migration: ${N - failedAt.size}/${N} crash points converge (each of the ${N} mutating calls of a clean ${ROWS}-row migration killed or failing transiently, before and after it takes effect, then re-run)`);
  });

  const kinds: Array<['kill' | 'transient', 'before' | 'after']> = [
    ['kill', 'after'],
    ['kill', 'before'],
    ['transient', 'after'],
    ['transient', 'before'],
  ];
  test.each(kinds)('a %s %s every mutating call k = 1..N, then resume: every run converges to the clean state', (kind, when) => {
    const diverged: string[] = [];
    let deaths = 0;
    for (let k = 1; k <= N; k++) {
      const w = world();
      w.emu.faults.failMutatingCall(k, kind, when);
      try {
        deaths += runToEnd(w).died;
        const got = endState(w);
        // Compared as text first: a deep toEqual of two workbooks per crash point is slow.
        if (JSON.stringify(got) !== expectedText) {
          try {
            expect(got).toEqual(expected);
          } catch (e) {
            diverged.push(`k=${k}: ${(e as Error).message.split('\n').slice(0, 12).join(' | ')}`);
          }
        }
      } catch (e) {
        diverged.push(`k=${k}: ${(e as Error).message}`);
      }
      if (diverged.length && diverged[diverged.length - 1].startsWith(`k=${k}:`)) failedAt.add(k);
    }
    modesRun++;
    // eslint-disable-next-line no-console
    console.log(`${kind} ${when}: ${N - diverged.length}/${N} crash points converge (${deaths} executions died)`);
    expect(diverged).toEqual([]);
    if (kind === 'kill') expect(deaths).toBe(N);
  });
});
