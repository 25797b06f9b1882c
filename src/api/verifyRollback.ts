// Contract: verifyMigration, rollbackMigration; and the two menu items that run them
// (menuVerifyMigration, menuRollbackMigration; see MENU_ITEMS in ui.ts). The menu handlers are
// the only code here that touches a global (SpreadsheetApp.getUi): the core has no Ui.
import { createContext } from './context';
import { CorruptStateError } from '../core/state';
import { VerificationReport } from '../core/types';
import { verifyMigration as runVerify, VerifyReport } from '../core/verify';
import { rollbackMigration as runRollback, RollbackResult } from '../core/rollback';

/** Read-only: one check per line and an overall pass/fail. `seed` repeats a row sample. */
export function verifyMigration(options?: { seed?: number }): VerificationReport {
  const ctx = createContext();
  const seed = options && typeof options.seed === 'number' && Number.isFinite(options.seed) ? options.seed : undefined;
  try {
    return runVerify(ctx, { seed });
  } catch (e) {
    if (!(e instanceof CorruptStateError)) throw e;
    const report: VerifyReport = {
      ok: false,
      generatedAt: new Date(ctx.env.now()).toISOString(),
      checks: [{ id: 'migration_state', ok: false, detail: e.message }],
      message: e.message,
      migration: 'none',
      seed: null,
      sampledRows: [],
    };
    return report;
  }
}

/**
 * Restores the v2.1 state of the target sheet from the backup, in place. Refuses (ok: false,
 * nothing changed) unless `options.confirm === true`; without it the report is a preview of
 * what a confirmed call would do. A large sheet may need several calls: call again while
 * `ok && complete === false` (each call resumes where the previous one stopped).
 */
export function rollbackMigration(options?: { confirm?: boolean }): RollbackResult {
  const ctx = createContext();
  try {
    return runRollback(ctx, { confirm: !!options && options.confirm === true });
  } catch (e) {
    if (!(e instanceof CorruptStateError)) throw e;
    return {
      ok: false,
      message: e.message,
      backupId: null,
      snapshotId: null,
      columnCount: 0,
      complete: true,
      canRollBack: false,
      phase: null,
      migration: 'none',
      backupName: null,
      backupUrl: null,
      backupCreatedAt: null,
      backupAge: null,
      rollbackUntil: null,
      snapshotName: null,
      snapshotUrl: null,
      snapshotWhere: '',
      sheetName: ctx.config.targetSheet,
      sheetId: null,
      changedRowsSample: [],
      plan: [],
    };
  }
}

/** Menu "Verify migration": the report in a dialog, one line per check. */
export function menuVerifyMigration(): void {
  const report = verifyMigration() as VerifyReport;
  const ui = SpreadsheetApp.getUi();
  ui.alert('Verify migration', verificationText(report), ui.ButtonSet.OK);
}

/** Menu "Roll back to v2.1…": a YES/NO question that says what will happen, then the rollback. */
export function menuRollbackMigration(): void {
  const ui = SpreadsheetApp.getUi();
  const preview = rollbackMigration();
  if (!preview.canRollBack) {
    ui.alert('Roll back to v2.1', preview.message, ui.ButtonSet.OK);
    return;
  }
  const question = [
    `Backup: "${preview.backupName}", made ${preview.backupAge} ago (${preview.backupCreatedAt}).`,
    preview.backupUrl || '',
    '',
    ...preview.plan,
    '',
    `Rollback is possible until ${preview.rollbackUntil}.`,
    'Roll back now?',
  ].join('\n');
  if (ui.alert('Roll back to v2.1?', question, ui.ButtonSet.YES_NO) !== ui.Button.YES) {
    ui.alert('Roll back to v2.1', 'Nothing was changed.', ui.ButtonSet.OK);
    return;
  }
  // One menu execution may run for 6 minutes: keep calling while there is clearly room.
  const start = Date.now();
  let result = rollbackMigration({ confirm: true });
  while (result.ok && !result.complete && Date.now() - start < MENU_ROLLBACK_MS) result = rollbackMigration({ confirm: true });
  const tail = result.ok && !result.complete ? '\n\nChoose "Roll back to v2.1…" again to continue: it resumes where it stopped.' : '';
  const link = result.snapshotUrl ? `\n\nSnapshot of the state before the rollback: ${result.snapshotUrl}` : '';
  ui.alert('Roll back to v2.1', `${result.message}${link}${tail}`, ui.ButtonSet.OK);
}

/** Time the menu handler keeps calling an unfinished rollback, well under the 6-minute limit. */
const MENU_ROLLBACK_MS = 240 * 1000;

function verificationText(report: VerifyReport): string {
  const lines = report.checks.map((c) => `${c.skipped ? '–' : c.ok ? '✓' : '✗'} ${c.id}: ${c.detail}`);
  return [report.message || (report.ok ? 'Verification passed.' : 'Verification failed.'), '', ...lines].join('\n');
}
