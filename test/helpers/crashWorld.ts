// The world of the crash-consistency suites: a 400-row sample migrated with 100-row chunks
// (the `chunkRows` run option, meant for tests: the bundle's config is fixed at 2,000) so that
// every long step crosses several chunks, and the end state two runs must share.
import { createEmulator, createSampleWorkbook, Emulator } from '../../emulator';
import { loadBundle, Bundle, CallOptions } from './bundle';
import { SUITE_START } from './clock';
import { bookSnapshot, docProps, json } from './workbookState';
import type { MigrationReport } from '../../src/core/types';

export const CRASH_ROWS = 400;
export const CRASH_CHUNK = 100;

export interface CrashWorld {
  emu: Emulator;
  b: Bundle;
  id: string;
}

export function crashWorld(rows = CRASH_ROWS, startTime = SUITE_START): CrashWorld {
  const emu = createEmulator({ startTime });
  const ss = createSampleWorkbook(emu, { rows });
  emu.stats.reset();
  return { emu, b: loadBundle(emu), id: ss.getId() };
}

/**
 * Calls runMigration until complete; an execution that dies (killed, or cut off by the time
 * limit in `opts`) is simply called again.
 */
export function runToEnd(w: CrashWorld, opts: CallOptions = {}, maxCalls = 40): { died: number; calls: number } {
  let died = 0;
  for (let calls = 1; calls <= maxCalls; calls++) {
    let r: MigrationReport;
    try {
      r = w.b.callAs<MigrationReport>(opts, 'runMigration', { chunkRows: CRASH_CHUNK });
    } catch (e) {
      died++;
      continue;
    }
    if (!r.ok) throw new Error(`run refused or failed: ${r.message}`);
    if (r.complete) return { died, calls };
  }
  throw new Error(`not complete after ${maxCalls} calls`);
}

/** The end state, without what legitimately differs between runs (ids, times, names with a timestamp, log). */
export function endState(w: CrashWorld) {
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
