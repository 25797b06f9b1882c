// Status rules: migrated, rollback deadline, who is "running".
import rawConfig from '../../src/migration.config.json';
import { parseConfig } from '../../src/core/config';
import { analyzeHeader } from '../../src/core/preflight';
import { BackupRecord, HistoryEntry, Lease, RunState } from '../../src/core/state';
import { buildStatus, isViewersLease, rollbackAvailableUntil, rollbackDeadline } from '../../src/core/status';
import { leaseOwner, parseRunOptions } from '../../src/core/coordinator';
import { rollbackUntilOf } from '../../src/core/rollback/state';

const config = parseConfig(rawConfig);
const DAY = 86400000;
const now = Date.UTC(2026, 10, 25, 12);
const iso = (t: number) => new Date(t).toISOString();
const v21 = Array.from({ length: 65 }, (_, i) => `c${i + 1}`);
const v3 = config.newColumns.map((c) => c.name);
const backup = { v: 1, id: 'B', name: 'bk', url: 'u', createdAt: iso(now - 2 * DAY) } as BackupRecord;
const migration = (at: number): HistoryEntry => ({ kind: 'migration', from: '2.1', to: '3.0', by: 'o@x', at: iso(at), backupId: 'B', rollbackUntil: iso(at + 7 * DAY) });
const run: RunState = { v: 1, runId: 'r', startedAt: iso(now), startedBy: 'o@x', columnCountBefore: 65, steps: { create_backup: { state: 'done' }, add_v3_columns: { state: 'running', rowsDone: 10, rowsTotal: 20 } } };

function status(over: Partial<Parameters<typeof buildStatus>[0]>) {
  return buildStatus({ config, now, layout: analyzeHeader(v21.concat(v3), config), run: null, backup, history: [migration(now - DAY)], lease: null, viewer: 'o@x', access: null, problem: null, ...over });
}

test('migrated = v3 columns at the end and the newest history entry a completed migration', () => {
  expect(status({}).migrated).toBe(true);
  expect(status({}).steps.every((s) => s.state === 'done')).toBe(true);
  expect(status({ layout: analyzeHeader(v21, config) }).migrated).toBe(false);
  expect(status({ history: [migration(now - DAY), { ...migration(now), kind: 'rollback' }] }).migrated).toBe(false);
  expect(status({ run }).migrated).toBe(false);
});

test('steps and progress come from the run checkpoint, with rows inside long steps', () => {
  const s = status({ run, layout: analyzeHeader(v21, config), history: [] });
  expect(s.steps.map((x) => x.state)).toEqual(['done', 'running', 'pending', 'pending', 'pending']);
  expect(s.steps[1]).toMatchObject({ rowsDone: 10, rowsTotal: 20 });
  expect(s.progress).toEqual({ done: 1, total: 5 });
});

test('rollbackAvailableUntil: the history entry while in the window; the backup time + window during a partial run; else null', () => {
  expect(rollbackAvailableUntil({ config, now, run: null, backup, history: [migration(now - DAY)] })).toBe(iso(now + 6 * DAY));
  expect(rollbackAvailableUntil({ config, now, run: null, backup, history: [migration(now - 8 * DAY)] })).toBeNull();
  expect(rollbackAvailableUntil({ config, now, run: null, backup: null, history: [migration(now - DAY)] })).toBeNull();
  expect(rollbackAvailableUntil({ config, now, run, backup, history: [] })).toBe(iso(now + 5 * DAY));
  expect(rollbackAvailableUntil({ config, now, run: null, backup, history: [] })).toBeNull();
});

test('rollbackDeadline: the same time as rollbackAvailableUntil, but kept after the window has passed', () => {
  expect(rollbackDeadline({ config, run: null, backup, history: [migration(now - DAY)] })).toBe(iso(now + 6 * DAY));
  expect(rollbackDeadline({ config, run: null, backup, history: [migration(now - 8 * DAY)] })).toBe(iso(now - DAY));
  expect(rollbackDeadline({ config, run, backup, history: [] })).toBe(iso(now + 5 * DAY));
  // Nothing to roll back to: no backup, or the last entry is the rollback itself.
  expect(rollbackDeadline({ config, run: null, backup: null, history: [migration(now - DAY)] })).toBeNull();
  expect(rollbackDeadline({ config, run: null, backup, history: [migration(now - 2 * DAY), { ...migration(now - DAY), kind: 'rollback' }] })).toBeNull();
  const late = status({ history: [migration(now - 8 * DAY)] });
  expect(late.rollbackAvailableUntil).toBeNull();
  expect(late.rollbackDeadline).toBe(iso(now - DAY));
});

test('the rollback\'s own rule: v3 columns left by a run whose checkpoints were cleared (start over) can be rolled back until the backup time + window', () => {
  // Start over after add_v3_columns: no run, no history, the backup and the v3 columns remain.
  const leftOver = { config, now, run: null, backup, history: [], layout: analyzeHeader(v21.concat(v3), config) };
  expect(rollbackAvailableUntil(leftOver)).toBe(iso(now + 5 * DAY));
  expect(rollbackAvailableUntil(leftOver)).toBe(rollbackUntilOf(backup, null, [], true, 7));
  expect(status(leftOver).rollbackAvailableUntil).toBe(iso(now + 5 * DAY));
  // Without v3 columns there is nothing to undo; after a rollback either.
  expect(rollbackAvailableUntil({ ...leftOver, layout: analyzeHeader(v21, config) })).toBeNull();
  expect(status({ layout: analyzeHeader(v21, config), history: [migration(now - 2 * DAY), { ...migration(now - DAY), kind: 'rollback' }] }).rollbackDeadline).toBeNull();
  // A migration entry without its own deadline: its time + the window, as the rollback counts it.
  const bare = { ...migration(now - DAY), rollbackUntil: undefined };
  expect(rollbackDeadline({ config, run: null, backup, history: [bare] })).toBe(iso(now + 6 * DAY));
  // A time no one can read gives no deadline, never a failed status.
  expect(rollbackDeadline({ config, run, backup: { ...backup, createdAt: 'garbage' }, history: [] })).toBeNull();
});

test('after a finished migration each step has its own line from the history entry; without step times, one summary line', () => {
  const timed: HistoryEntry = {
    ...migration(now - DAY),
    rowsWritten: 1,
    durationsMs: { create_backup: 5049, add_v3_columns: 906, verify_schema: 138, initialize_versions: 61000, test_smoke: 1500 },
  };
  const withBackup = { ...backup, columnCount: 65 } as BackupRecord;
  const steps = status({ history: [timed], backup: withBackup }).steps.map((x) => x.detail);
  expect(steps).toEqual([
    'Whole file copied to "bk". Took 5.0 s.',
    `${v3.join(', ')} in place. Took 906 ms.`,
    '68 columns = 65 + 3, found by name. Took 138 ms.',
    'version = 0 on 1 row. Took 1 min 1 s.',
    'v2.1 data proved equal to the backup; migration completed by o@x. Took 1.5 s.',
  ]);
  // An entry without step times (an older version wrote it): the closing note, its time worded by `when`.
  const when = (t: string) => `<${t}>`;
  const untimed = status({ when }).steps.map((x) => x.detail);
  expect(new Set(untimed)).toEqual(new Set([`Done: the migration was completed <${iso(now - DAY)}> by o@x.`]));
});

test("running: a live lease of someone else; never one's own, never an expired one", () => {
  const lease = (owner: string, expires: number): Lease => ({ owner, token: 't', since: iso(now - 1000), expiresAt: iso(expires), op: 'migration' });
  expect(status({ lease: lease('other@x#A', now + 1000) }).running).toEqual({ by: 'other@x', since: iso(now - 1000) });
  expect(status({ lease: lease('other@x#A', now - 1) }).running).toBeNull();
  expect(status({ lease: lease('o@x#A', now + 1000), viewer: 'o@x#A' }).running).toBeNull();
  expect(status({ lease: lease('o@x#A', now + 1000), viewer: 'o@x#B' }).running).toEqual({ by: 'o@x', since: iso(now - 1000) });
  expect(isViewersLease('o@x#A', 'o@x')).toBe(true);
  expect(isViewersLease('o@x#A', null)).toBe(false);
});

test('run options from the wire: only well-formed values are taken', () => {
  expect(parseRunOptions(undefined, 'step', false)).toEqual({ mode: 'step', dryRun: false, force: false, clientId: null, chunkRows: null });
  expect(parseRunOptions({ dryRun: 'true', force: 'yes', clientId: 42, chunkRows: 1.5 }, 'all', true)).toEqual({ mode: 'all', dryRun: true, force: false, clientId: null, chunkRows: null });
  expect(parseRunOptions({ dryRun: false, force: true, clientId: 'c-1.a:b<x>', chunkRows: 100 }, 'all', true)).toEqual({ mode: 'all', dryRun: false, force: true, clientId: 'c-1.a:bx', chunkRows: 100 });
  expect(leaseOwner('o@x', 'c1')).toBe('o@x#c1');
  expect(leaseOwner('', null)).toBe('unknown user');
});

test('the server decides the window and says when it decided: now, rollbackWindowEnded', () => {
  const open = status({});
  expect(open.now).toBe(iso(now));
  expect(open).toMatchObject({ rollbackWindowEnded: false, rollbackAvailableUntil: iso(now + 6 * DAY) });
  const ended = status({ history: [migration(now - 8 * DAY)] });
  expect(ended).toMatchObject({ rollbackWindowEnded: true, rollbackAvailableUntil: null, rollbackDeadline: iso(now - DAY) });
  // The very instant of the deadline is already past it, as the rollback itself decides.
  expect(status({ history: [migration(now - 7 * DAY)] }).rollbackWindowEnded).toBe(true);
  // Nothing to roll back is not an ended window.
  expect(status({ backup: null, history: [] }).rollbackWindowEnded).toBe(false);
  expect(status({ layout: analyzeHeader(v21, config), history: [] })).toMatchObject({ rollbackWindowEnded: false, rollbackDeadline: null });
});
