// The time budget on a 100,000-row sheet (modelled time of the emulator's cost model): no
// runMigrationStep execution comes anywhere near the 6-minute limit, and runMigration stops
// at its budget (30 s in the config) plus at most one unit, then resumes where it stopped.
import { createEmulator, createSampleWorkbook } from '../../emulator';
import { loadBundle } from '../helpers/bundle';
import { operaciones } from '../helpers/workbookState';
import type { MigrationReport, StepResult } from '../../src/core/types';
import config from '../../src/migration.config.json';

const ROWS = 100000;

test('100,000 rows: every execution stays within the budget (+ one unit), and the migration completes', () => {
  const emu = createEmulator();
  const ss = createSampleWorkbook(emu, { rows: ROWS });
  const b = loadBundle(emu);
  const budgetMs = config.timeBudgetSeconds * 1000;

  // The sidebar's way: one unit per execution. A unit reads chunks of 200,000 cells (33 per
  // digest of 100,001 rows × 65 columns) while a third of the budget lasts; 8 calls cover the
  // backup's source digest and the file copy (its longest single call).
  const stepResults: StepResult[] = [];
  for (let i = 0; i < 8; i++) stepResults.push(b.call<StepResult>('runMigrationStep', { clientId: 'sb' }));
  expect(stepResults.every((r) => r.ok && !r.complete)).toBe(true);
  const stepExecutions = emu.stats.executions.slice();
  expect(stepExecutions).toHaveLength(8);
  expect(stepExecutions.every((e) => e.ok)).toBe(true);
  const longestUnit = Math.max(...stepExecutions.map((e) => e.modelledMs));
  // One unit is far below the 6-minute limit and even below the budget of one execution.
  expect(longestUnit).toBeLessThan(budgetMs / 2);
  // Each unit did several chunks, and each call reported how far the step had got.
  const rows = stepResults.map((r) => r.status.steps[0]).filter((s) => s.state === 'running' && s.rowsTotal === ROWS + 1);
  expect(rows.length).toBeGreaterThanOrEqual(6);
  expect((rows[1].rowsDone as number) - (rows[0].rowsDone as number)).toBeGreaterThan(3 * 3076);

  // The script editor's way: as many units as fit, then pause with the checkpoint saved.
  // (Another owner than the sidebar: wait for its lease to expire first.)
  emu.clock.advance(config.leaseSeconds * 1000 + 1000);
  emu.stats.reset();
  const reports: MigrationReport[] = [];
  for (let i = 0; i < 20; i++) {
    const r = b.call<MigrationReport>('runMigration');
    reports.push(r);
    expect(r.ok).toBe(true);
    if (r.complete) break;
  }
  expect(reports[reports.length - 1].complete).toBe(true);
  expect(reports.length).toBeGreaterThanOrEqual(3);
  reports.slice(0, -1).forEach((r) => expect(r.message).toMatch(/Paused after \d+ units to stay within the 30-second budget/));
  const runExecutions = emu.stats.executions;
  expect(runExecutions.every((e) => e.ok)).toBe(true);
  expect(Math.max(...runExecutions.map((e) => e.modelledMs))).toBeLessThanOrEqual(budgetMs + longestUnit);
  // Paused executions use most of their budget (they do not stop absurdly early either).
  runExecutions.slice(0, -1).forEach((e) => expect(e.modelledMs).toBeGreaterThan(budgetMs / 2));

  const sheet = operaciones(emu, ss.getId());
  expect(sheet.getMaxColumns()).toBe(68);
  const versions = sheet.getRange(2, 68, ROWS, 1).getValues();
  expect(versions.every((r) => r[0] === 0)).toBe(true);
  const last = reports[reports.length - 1];
  expect(last.rowsWritten).toBe(ROWS);
  expect(last.verification && last.verification.ok).toBe(true);
});
