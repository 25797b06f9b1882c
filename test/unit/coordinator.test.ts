// The coordinator on its own (not through the bundle), with plans the fixed bundle config
// cannot express: a budget longer than the lease.
import { createEmulator, createSampleWorkbook } from '../../emulator';
import rawConfig from '../../src/migration.config.json';
import { parseConfig } from '../../src/core/config';
import { Coordinator, parseRunOptions } from '../../src/core/coordinator';
import { MigrationLog } from '../../src/core/log';
import { StateStore } from '../../src/core/state';
import { emuEnv } from '../helpers/emuEnv';

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
