// The coordinator on its own (not through the bundle), with plans the fixed bundle config
// cannot express: a budget longer than the lease.
import { createEmulator, createSampleWorkbook } from '../../emulator';
import rawConfig from '../../src/migration.config.json';
import { parseConfig } from '../../src/core/config';
import { Coordinator, parseRunOptions } from '../../src/core/coordinator';
import { MigrationLog } from '../../src/core/log';
import { StateStore } from '../../src/core/state';
import { emuEnv } from '../helpers/emuEnv';
import { createContext } from '../../src/api/context';
import { rollbackMigration } from '../../src/core/rollback';

test('an execution longer than the lease renews it, so no one else can take over mid-run', () => {
  const emu = createEmulator();
  createSampleWorkbook(emu, { rows: 600 });
  const config = parseConfig({ ...rawConfig, timeBudgetSeconds: 40, leaseSeconds: 10 });
  const t0 = emu.clock.now();
  const out = emu.runExecution(() => {
    const env = emuEnv(emu);
    const props = env.documentProperties();
    const app = { env, config, store: new StateStore(props), log: new MigrationLog(env, props) };
    return new Coordinator(app).execute(parseRunOptions({ chunkRows: 10 }, 'all', false));
  });
  expect(out.ok).toBe(true);
  expect(out.complete).toBe(false);
  const elapsed = emu.clock.now() - t0;
  expect(elapsed).toBeGreaterThan(30000);
  const lease = new StateStore(emuEnv(emu).documentProperties()).readLease()!;
  // Taken at the start for 10 s, it still has time left at the end of a 30+ s execution.
  expect(Date.parse(lease.expiresAt)).toBeGreaterThan(emu.clock.now());
  expect(Date.parse(lease.since)).toBeLessThan(t0 + 5000);
});

/** One execution with a Coordinator; `reads` collects the state records it reads (key names). */
function inExecution<T>(emu: ReturnType<typeof createEmulator>, fn: (c: Coordinator) => T, reads: string[] = [], config = parseConfig(rawConfig)): T {
  return emu.runExecution(() => {
    const env = emuEnv(emu);
    const props = env.documentProperties();
    const counted = { ...props, getProperty: (k: string) => (reads.push(k), props.getProperty(k)) } as typeof props;
    for (const m of ['setProperty', 'setProperties', 'deleteProperty', 'getProperties'] as const) (counted as any)[m] = (props as any)[m].bind(props);
    return fn(new Coordinator({ env, config, store: new StateStore(counted), log: new MigrationLog(env, props) }));
  });
}

test('a dry run asks the spreadsheet for its name, time zone and date once, not once per step', () => {
  const emu = createEmulator();
  createSampleWorkbook(emu, { rows: 60 });
  emu.stats.reset();
  const out = inExecution(emu, (c) => c.execute(parseRunOptions({}, 'step', true)));
  expect(out.plan).toHaveLength(5);
  expect(out.plan![0].changes.join(' ')).toMatch(/Copy the spreadsheet ".+" to ".+_\d{8}_\d{6}/);
  // One for the plan's sentence, one inside the backup's name.
  expect(emu.stats.calls['Spreadsheet.getName']).toBe(2);
  expect(emu.stats.calls['Spreadsheet.getSpreadsheetTimeZone']).toBe(1);
  expect(emu.stats.calls['Utilities.formatDate']).toBe(1);
});

test('a run refused by a problem in the header answers from what it read: the header and the state once each, the same status as a fresh look', () => {
  const emu = createEmulator();
  const ss = createSampleWorkbook(emu, { rows: 60 });
  (ss.getSheetByName('Operaciones') as any).getRange(1, 12, 1, 1).setValue('version');
  emu.stats.reset();
  const reads: string[] = [];
  const out = inExecution(emu, (c) => c.execute(parseRunOptions({}, 'step', false)), reads);
  expect(out.ok).toBe(false);
  expect(out.message).toMatch(/"version" already exists at L/);
  expect(emu.stats.calls['Range.getValues']).toBe(1);
  expect(emu.stats.calls['Spreadsheet.getSheetByName']).toBe(1);
  // Read before taking the lease and again under it; not a third time for the status.
  expect(reads.filter((k) => k === 'sm.run')).toHaveLength(2);
  // The fresh look comes a few modelled milliseconds later: everything but the server's clock agrees.
  const fresh = inExecution(emu, (c) => c.statusFor(null));
  expect(Date.parse(out.status.now)).toBeLessThan(Date.parse(fresh.now));
  expect(out.status).toEqual({ ...fresh, now: out.status.now });
  expect(out.status.problem).toMatch(/"version" already exists at L/);
});

test('startOver after add_v3_columns reads the backup record once (plus once for its status); the status and the rollback preview agree that Roll back is possible', () => {
  const emu = createEmulator();
  createSampleWorkbook(emu, { rows: 60 });
  // Until add_v3_columns is done (create_backup takes a few units).
  for (let i = 0; i < 10; i++) if (inExecution(emu, (c) => c.execute(parseRunOptions({}, 'step', false))).status.steps[1].state === 'done') break;
  const reads: string[] = [];
  const r = inExecution(emu, (c) => c.startOver(null), reads);
  expect(r.ok).toBe(true);
  expect(r.message).toMatch(/keeps the v2.1 backup ".+"/);
  expect(reads.filter((k) => k === 'sm.backup')).toHaveLength(2);
  // The v3 columns are still there and the run is forgotten: the status and the rollback agree
  // that Roll back is possible, and until when.
  const preview = emu.runExecution(() => rollbackMigration(createContext(emuEnv(emu))));
  expect(preview).toMatchObject({ ok: false, canRollBack: true, migration: 'partial' });
  expect(r.status.rollbackAvailableUntil).not.toBeNull();
  expect(r.status.rollbackAvailableUntil).toBe(preview.rollbackUntil);
});
