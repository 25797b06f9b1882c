// Contract: verifyMigration, rollbackMigration; and the two menu items that run them
// (menuVerifyMigration, menuRollbackMigration; see MENU_ITEMS in ui.ts). The menu handlers are
// the only code here that touches a global (SpreadsheetApp.getUi): the core has no Ui.
import { createContext } from './context';
import { verifyMigration as runVerify, VerifyReport, VerifyResume } from '../core/verify';
import { rollbackMigration as runRollback, RollbackResult } from '../core/rollback';
import { formatWhen } from '../core/wording';
import { appsScriptEnv } from '../adapters/env';

/**
 * Read-only: one check per line and an overall pass/fail. `seed` repeats a row sample. A big
 * sheet's digest may need several calls: while `complete === false`, call again with
 * `{ seed: report.seed, resume: report.resume }` (each call continues where the last stopped).
 */
export function verifyMigration(options?: { seed?: number; resume?: VerifyResume }): VerifyReport {
  const o = options || {};
  const seed = typeof o.seed === 'number' && Number.isFinite(o.seed) ? o.seed : undefined;
  return runVerify(createContext(), { seed, resume: o.resume });
}

/**
 * Restores the v2.1 state of the target sheet from the backup, in place. Refuses (ok: false,
 * nothing changed) unless `options.confirm === true`; without it the report is a preview of
 * what a confirmed call would do. A large sheet may need several calls: call again while
 * `ok && complete === false` (each call resumes where the previous one stopped).
 */
export function rollbackMigration(options?: { confirm?: boolean }): RollbackResult {
  return runRollback(createContext(), { confirm: !!options && options.confirm === true });
}

/** Menu "Verify migration": the report in a dialog, one line per check. */
export function menuVerifyMigration(): void {
  // One execution: a big sheet's digest continues call after call while there is clearly room.
  const start = Date.now();
  let report = verifyMigration();
  while (!report.complete && report.resume && Date.now() - start < MENU_LOOP_MS) report = verifyMigration({ seed: report.seed as number, resume: report.resume });
  const ui = SpreadsheetApp.getUi();
  const tail = report.complete ? '' : '\n\nThe full comparison did not fit in one run: press Verify in the sidebar (Extensions → Sheet Migrator → Open migration sidebar) to finish it.';
  ui.alert('Verify migration', verificationText(report) + tail, ui.ButtonSet.OK);
}

/** Menu "Roll back to v2.1…": a YES/NO question that says what will happen, then the rollback. */
export function menuRollbackMigration(): void {
  const ui = SpreadsheetApp.getUi();
  const title = 'Roll back to v2.1';
  const tell = (text: string) => ui.alert(title, text, ui.ButtonSet.OK);
  const preview = rollbackMigration();
  if (!preview.canRollBack) {
    tell(preview.message);
    return;
  }
  const env = appsScriptEnv();
  const question = [
    `Backup: "${preview.backupName}", made ${preview.backupAge} ago (${formatWhen(env, preview.backupCreatedAt)}).`,
    preview.backupUrl || '',
    '',
    ...preview.plan,
    '',
    `Rollback is possible until ${formatWhen(env, preview.rollbackUntil)}.`,
    'Roll back now?',
  ].join('\n');
  if (ui.alert(`${title}?`, question, ui.ButtonSet.YES_NO) !== ui.Button.YES) {
    tell('Nothing was changed.');
    return;
  }
  // One menu execution may run for 6 minutes: keep calling while there is clearly room.
  const start = Date.now();
  let result = rollbackMigration({ confirm: true });
  while (result.ok && !result.complete && Date.now() - start < MENU_LOOP_MS) result = rollbackMigration({ confirm: true });
  const tail = result.ok && !result.complete ? `\n\nChoose "${title}…" again to continue where it stopped.` : '';
  const link = result.snapshotUrl ? `\n\nSnapshot of the state before the rollback: ${result.snapshotUrl}` : '';
  tell(`${result.message}${link}${tail}`);
}

/** Time a menu handler keeps calling an unfinished rollback or verify, well under the 6-minute limit. */
const MENU_LOOP_MS = 240 * 1000;

function verificationText(report: VerifyReport): string {
  const lines = report.checks.map((c) => `${c.skipped ? '–' : c.ok ? '✓' : '✗'} ${c.id}: ${c.detail}`);
  return [report.message || (report.ok ? 'Verification passed.' : 'Verification failed.'), '', ...lines].join('\n');
}
