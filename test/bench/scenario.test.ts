// One benchmark size end to end, small: the sidebar's way through the real bundle, verify,
// rollback, the naive baseline; and the meter's property bytes agree with the store itself.
import { createEmulator, createSampleWorkbook } from '../../emulator';
import type { Emulator } from '../../emulator';
import { loadBundleFrom } from '../../playground/bundle';
import { Meter } from '../../bench/meter';
import { runSize, STEP_IDS } from '../../bench/scenario';
import { DIST } from '../helpers/bundle';

test('a 300-row size migrates, verifies and rolls back, with every figure filled in', () => {
  const r = runSize({ rows: 300, distDir: DIST });
  expect(r.checks).toEqual([]);
  expect(r.migration.ok && r.verify.ok && r.rollback.ok).toBe(true);
  // Verify is driven until complete; each of its calls is one verify execution (here one fits).
  expect(r.verify).toMatchObject({ complete: true, calls: 1, skipped: [] });
  expect(r.buckets.verify.executions).toBe(r.verify.calls);
  expect(r.columns).toBe(65);
  STEP_IDS.forEach((id) => {
    expect(r.buckets[id].executions).toBeGreaterThan(0);
    expect(r.lowerBound[id].calls).toBeGreaterThan(0);
    expect(r.buckets[id].calls.data).toBeGreaterThanOrEqual(r.lowerBound[id].calls - r.lowerBound[id].parts.headerRead);
  });
  expect(r.total.executions).toBe(r.migration.executions + r.buckets.verify.executions + r.buckets.rollback.executions);
  expect(r.largestExecution.seconds).toBeLessThanOrEqual(r.budgetSeconds);
  expect(r.properties.peakBytes).toBeGreaterThan(1000);
  expect(r.properties.reads).toBeGreaterThan(0);
  expect(r.naive.rows).toBe(300);
  expect(r.naive.stepRatio).toBeGreaterThan(10);
  expect(r.bytesPerCell.values).toBeGreaterThan(3);
});

test('the meter follows every property write: its byte count is the store\'s', () => {
  const emu: Emulator = createEmulator();
  createSampleWorkbook(emu, { rows: 50 });
  const meter = new Meter(emu);
  meter.syncProperties();
  const bundle = loadBundleFrom(emu, DIST, { globals: () => meter.globals() });
  const bytes = () => {
    const all = (emu.globals() as any).PropertiesService.getDocumentProperties().getProperties() as Record<string, string>;
    return Object.entries(all).reduce((a, [k, v]) => a + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  };
  let peak = 0;
  for (let i = 0; i < 30; i++) {
    const res = bundle.call<any>('runMigrationStep', { clientId: 'm' });
    expect(meter.propertyBytes()).toBe(bytes());
    peak = Math.max(peak, bytes());
    if (res.complete) break;
  }
  expect(meter.peakPropertyBytes).toBeGreaterThanOrEqual(peak);
  // The writes it followed were real calls, counted by the emulator.
  expect(emu.stats.calls['Properties.setProperties']).toBeGreaterThan(0);
});
