// Interruption after (and before) every mutating call of a clean migration, followed by a
// resume, must end in exactly the clean run's state. A 400-row sheet with 100-row chunks
// (the `chunkRows` run option, meant for tests: the bundle's config is fixed at 2,000) so
// that every long step crosses several chunks.
import { createEmulator, createSampleWorkbook, Emulator } from '../../emulator';
import { loadBundle, Bundle } from '../helpers/bundle';
import { bookSnapshot, docProps, json } from '../helpers/workbookState';
import type { MigrationReport } from '../../src/core/types';

const ROWS = 400;
const CHUNK = 100;

interface World {
  emu: Emulator;
  b: Bundle;
  id: string;
}

function world(): World {
  const emu = createEmulator();
  const ss = createSampleWorkbook(emu, { rows: ROWS });
  emu.stats.reset();
  return { emu, b: loadBundle(emu), id: ss.getId() };
}

/** Calls runMigration until complete; an execution that dies is simply called again. */
function runToEnd(w: World): { died: number; calls: number } {
  let died = 0;
  for (let calls = 1; calls <= 40; calls++) {
    let r: MigrationReport;
    try {
      r = w.b.call<MigrationReport>('runMigration', { chunkRows: CHUNK });
    } catch (e) {
      died++;
      continue;
    }
    if (!r.ok) throw new Error(`run refused or failed: ${r.message}`);
    if (r.complete) return { died, calls };
  }
  throw new Error('not complete after 40 calls');
}

/** The end state, without what legitimately differs between runs (ids, times, names with a timestamp, log). */
function endState(w: World) {
  const props = docProps(w.emu);
  const backup = json(props, 'sm.backup');
  const history = json(props, 'sm.history');
  const files = w.emu.files();
  return {
    book: bookSnapshot(w.emu, w.id),
    keys: Object.keys(props).filter((k) => !k.startsWith('sm.log')).sort(),
    backupRecord: backup && { ...backup, id: '-', name: backup.name.replace(/\d{8}_\d{6}$/, 'TS'), url: '-', createdAt: '-' },
    backupBook: backup ? bookSnapshot(w.emu, backup.id) : null,
    history: history.entries.map((h: any) => ({ ...h, at: '-', rollbackUntil: '-', durationsMs: '-', runId: '-', backupId: h.backupId === backup.id })),
    untrashedFiles: files.filter((f) => !f.isTrashed()).length,
    trashedFiles: files.filter((f) => f.isTrashed()).length,
  };
}

describe('crash consistency of the migration', () => {
  const clean = world();
  runToEnd(clean);
  const N = clean.emu.stats.mutatingCalls;
  const expected = endState(clean);
  const expectedText = JSON.stringify(expected);

  test('the clean run: state as expected, and enough crash points to mean something', () => {
    expect(expected.keys).toEqual(['sm.backup', 'sm.history']);
    expect(expected.history).toHaveLength(1);
    expect(expected.history[0]).toMatchObject({ kind: 'migration', rowsWritten: ROWS, backupId: true });
    expect(expected.untrashedFiles).toBe(2);
    expect(expected.trashedFiles).toBe(0);
    expect(expected.book[0].protections).toEqual([]);
    expect(N).toBeGreaterThan(30);
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
    }
    // eslint-disable-next-line no-console
    console.log(`${kind} ${when}: ${N - diverged.length}/${N} crash points converge (${deaths} executions died)`);
    expect(diverged).toEqual([]);
    if (kind === 'kill') expect(deaths).toBe(N);
  });
});
