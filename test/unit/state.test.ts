// StateStore: small versioned JSON records in document properties; anything unreadable is
// reported with a way out, never taken for "nothing done".
import { createEmulator } from '../../emulator';
import { CorruptStateError, HistoryEntry, KEYS, MAX_VALUE_BYTES, RunState, StateStore, utf8Length } from '../../src/core/state';
import { emuEnv } from '../helpers/emuEnv';
import { lastMigrationOf } from '../../src/core/status';

function store() {
  const emu = createEmulator();
  const ss = emu.createSpreadsheet('S');
  emu.setActiveSpreadsheet(ss.getId());
  const props = emuEnv(emu).documentProperties();
  return { props, store: new StateStore(props) };
}

const run: RunState = { v: 1, runId: 'r1', startedAt: '2026-01-01T00:00:00.000Z', startedBy: 'a@b.c', columnCountBefore: 65, steps: { create_backup: { state: 'done' } }, chunkRows: 2000 };

test('records round-trip; absent records read as null / empty', () => {
  const { store: s } = store();
  expect(s.readRun()).toBeNull();
  expect(s.readBackup()).toBeNull();
  expect(s.readHistory()).toEqual([]);
  s.writeRun(run);
  expect(s.readRun()).toEqual(run);
  s.clearRun();
  expect(s.readRun()).toBeNull();
});

test.each([
  ['{oops', /is not valid JSON/],
  ['[1,2]', /does not have the expected shape/],
  [JSON.stringify({ v: 1, steps: {} }), /does not have the expected shape/],
  [JSON.stringify({ ...run, v: 7 }), /written by a newer version of Sheet Migrator \(state v7; this version reads v1\)/],
])('corrupt run record %s -> CorruptStateError with a way out', (raw, why) => {
  const { props, store: s } = store();
  props.setProperty(KEYS.run, raw);
  let err: unknown;
  try {
    s.readRun();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CorruptStateError);
  expect((err as Error).message).toMatch(why);
  expect((err as Error).message).toMatch(/Nothing was changed/);
});

test('a record over the 8 KB budget is refused before Apps Script would', () => {
  const { store: s } = store();
  const big = { ...run, startedBy: 'x'.repeat(MAX_VALUE_BYTES) };
  expect(() => s.writeRun(big)).toThrow(/over the 8192-byte budget/);
});

test('history keeps the newest entries and always fits in one property value', () => {
  const { props, store: s } = store();
  const entry = (i: number): HistoryEntry => ({
    kind: i % 2 ? 'rollback' : 'migration', from: '2.1', to: '3.0', by: 'someone.with.a.long.address@example.com', at: new Date(i * 1000).toISOString(),
    backupId: '1'.repeat(44), snapshotId: '2'.repeat(44), durationsMs: { create_backup: 12345, add_v3_columns: 123, verify_schema: 12, initialize_versions: 1234, test_smoke: 4567 },
    digest: 'f'.repeat(64), rollbackUntil: new Date(i * 1000 + 7 * 86400000).toISOString(), rowsWritten: 100000, runId: `run-${i}`,
  });
  for (let i = 0; i < 30; i++) s.appendHistory(entry(i));
  const h = s.readHistory();
  expect(h[h.length - 1].runId).toBe('run-29');
  expect(h.length).toBeLessThanOrEqual(20);
  expect(h.length).toBeGreaterThan(5);
  expect(utf8Length(KEYS.history) + utf8Length(props.getProperty(KEYS.history) as string)).toBeLessThanOrEqual(MAX_VALUE_BYTES);
  expect(lastMigrationOf(s.readHistory())).toBeNull();
  s.appendHistory(entry(30));
  expect(lastMigrationOf(s.readHistory())!.runId).toBe('run-30');
});

test('appendHistory with the history its caller just read does not read it again', () => {
  const { props } = store();
  const reads: string[] = [];
  const counted = { ...props, getProperty: (k: string) => (reads.push(k), props.getProperty(k)), setProperty: props.setProperty.bind(props) } as typeof props;
  const s = new StateStore(counted);
  const entry: HistoryEntry = { kind: 'migration', from: '2.1', to: '3.0', by: 'a@b.c', at: '2026-01-01T00:00:00.000Z', backupId: 'B', runId: 'r1' };
  s.appendHistory(entry);
  expect(reads).toEqual([KEYS.history]);
  const current = s.readHistory();
  reads.length = 0;
  s.appendHistory({ ...entry, runId: 'r2' }, current);
  expect(reads).toEqual([]);
  expect(s.readHistory().map((h) => h.runId)).toEqual(['r1', 'r2']);
});
