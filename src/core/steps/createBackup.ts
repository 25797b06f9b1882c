// Step 1: a copy of the whole spreadsheet, proved equal to the source before it counts as the
// backup. Phases, each resumable from the checkpoint:
//   digest-source (chunked) -> copy -> digest-copy (chunked) -> record
// The source digest is taken before the copy and checked on the copy, so an edit anywhere in
// between shows up as a mismatch instead of a silently different backup.
import { DIGEST_SEED, isDigestDone, startDigest } from '../digest';
import { DriveFileLike, Env, SpreadsheetLike, SheetLike } from '../gas';
import { isPermissionError, isTransient } from '../retry';
import { removeMigrationProtection } from '../protection';
import { BackupRecord } from '../state';
import { columnLetter } from '../preflight';
import { digestWithin, unitBudget } from '../chunking';
import { CheckpointData, StepContext, fail, num, plural, progress, running, step } from './types';
import { formatWhen, zoneOf } from '../wording';

type Phase = 'digest-source' | 'copy' | 'digest-copy';

/** `pattern` with {spreadsheet} and {yyyyMMdd_HHmmss} (at `at`, in the spreadsheet's time zone) filled in. */
export function backupName(pattern: string, ss: SpreadsheetLike, env: Env, at: number): string {
  const stamp = env.formatDate(new Date(at), zoneOf(env), 'yyyyMMdd_HHmmss');
  return pattern.split('{spreadsheet}').join(ss.getName()).split('{yyyyMMdd_HHmmss}').join(stamp);
}

/** Whether a recorded backup file is gone ('missing': cannot be opened), in the trash, or there (null). */
export function backupFileState(env: Env, backup: { id: string }): 'missing' | 'trashed' | null {
  const file = env.getFileById(backup.id);
  return !file ? 'missing' : file.isTrashed() ? 'trashed' : null;
}

function str(d: CheckpointData, k: string): string {
  const v = d[k];
  return typeof v === 'string' ? v : '';
}
function int(d: CheckpointData, k: string): number {
  const v = d[k];
  return typeof v === 'number' ? v : 0;
}

/**
 * The tab `name` of the spreadsheet `id`; null when the file cannot be opened or has no such
 * tab. A transient error is thrown, never read as "gone": it would give a false verdict.
 */
export function openSheet(env: Env, id: string, name: string): SheetLike | null {
  try {
    return env.openSpreadsheetById(id).getSheetByName(name);
  } catch (e) {
    if (isTransient(e)) throw e;
    return null;
  }
}

/** Why a backup taken before the v3 columns is kept rather than a new copy made. */
function keptV21(env: Env, b: BackupRecord): string {
  return `v2.1 backup "${b.name}" taken ${formatWhen(env, b.createdAt)}: the sheet already has v3 columns, so a new copy would not be v2.1`;
}

export const createBackup = step(
  'create_backup',
  'Back up the spreadsheet',
  (p) => {
    const b = p.backup;
    if (p.layout.v3Present.length && b) return [`Keep the ${keptV21(p.env, b)}.`];
    const changes = [
      `Copy the spreadsheet "${p.spreadsheetName}" to "${p.backupName}" in ${p.config.backupFolderId ? `the Drive folder ${p.config.backupFolderId}` : 'your My Drive'}.`,
      `Prove the copy equal to "${p.config.targetSheet}": digest rows 1–${num(p.lastRow)} × columns A–${columnLetter(p.layout.columnCountBefore)} in chunks of ${num(p.chunkRows)} rows, on the source then on the copy.`,
    ];
    if (b) changes.push(`If the backup "${b.name}" still holds exactly this data, keep it instead of copying; otherwise the new copy replaces its record (the old file stays).`);
    return changes;
  },
  (ctx, cp) => {
    const { env, config, ss, sheet, layout } = ctx;
    const n = layout.columnCountBefore;
    const tab = `"${config.targetSheet}"`;
    const data: CheckpointData = { ...cp.data };
    let cursor = cp.cursor;

    if (!cursor) {
      const b = ctx.backup;
      if (layout.v3Present.length && b && b.spreadsheetId === ss.getId()) {
        // Only a backup taken while the sheet was pure v2.1 is a v2.1 backup: keep it.
        if (backupFileState(env, b)) {
          return fail(
            `the v2.1 backup "${b.name}" (${b.url}) is missing or in the trash, and the sheet already has v3 columns (${layout.v3Present.join(', ')}), so a new copy would not be v2.1. ` +
              'Restore that file from the Drive trash; if it is lost for good, delete the v3 columns so that a new backup is taken',
          );
        }
        if (b.columnCount !== n) {
          return fail(`the v2.1 backup "${b.name}" has ${b.columnCount} columns, the sheet now ${n}: it is not a backup of this sheet. Restore the sheet's v2.1 columns, or roll back`);
        }
        return { state: 'done', detail: `Kept the ${keptV21(env, b)}.`, data: { backupId: b.id, reusedBackup: true } };
      }
      const lastRow = sheet.getLastRow();
      Object.assign(data, { columnCount: n, sourceLastRow: lastRow, sourceMaxRows: sheet.getMaxRows(), sourceMaxColumns: sheet.getMaxColumns(), sheetId: sheet.getSheetId() });
      cursor = { phase: 'digest-source', ...startDigest(1, lastRow) };
    }
    const lastRow = int(data, 'sourceLastRow');
    const maxRows = int(data, 'sourceMaxRows');
    const maxColumns = int(data, 'sourceMaxColumns');
    const go = (phase: Phase, nextRow: number, detail: string, acc?: string) =>
      running(detail, { phase, nextRow, lastRow, acc }, Math.max(0, nextRow - 1), lastRow, data);
    const phase = cursor.phase as Phase;
    // A run sized by cells digests chunk after chunk while the unit's budget lasts.
    const budget = unitBudget(ctx);

    if (phase === 'digest-source') {
      const p = digestWithin(budget, cursor, sheet, n, ctx.chunkRows, env.sha256Hex);
      if (!isDigestDone(p)) return go(phase, p.nextRow, progress(`Digest of ${tab} for the backup`, p.nextRow - 1, lastRow), p.acc);
      data.sourceDigest = p.acc;
      const prior = ctx.backup;
      if (
        prior &&
        prior.spreadsheetId === ss.getId() &&
        prior.sheetName === config.targetSheet &&
        prior.columnCount === n &&
        prior.lastRow === lastRow &&
        prior.maxRows === maxRows &&
        prior.maxColumns === maxColumns &&
        prior.chunkRows === ctx.chunkRows &&
        prior.digest === p.acc &&
        !backupFileState(env, prior)
      ) {
        // The recorded backup already holds exactly this data: prove the file still does,
        // instead of copying again.
        Object.assign(data, { copyId: prior.id, backupName: prior.name, reusedBackup: true });
        return go('digest-copy', 1, `The backup "${prior.name}" has the same digest; checking the file.`, DIGEST_SEED);
      }
      data.backupName = backupName(config.backupNamePattern, ss, env, env.now());
      return go('copy', lastRow + 1, `Digest of ${tab} taken (${plural(lastRow, 'row')}); copying next.`);
    }

    if (phase === 'copy') {
      const name = str(data, 'backupName');
      const copy = copySpreadsheet(ctx, name);
      Object.assign(data, { copyId: copy.id, copyUrl: copy.url, copiedAt: new Date(env.now()).toISOString(), reusedBackup: false });
      ctx.log.info('create_backup', `Copied to "${name}" (${copy.url}).`);
      return go('digest-copy', 1, `Copied to "${name}"; checking the copy.`, DIGEST_SEED);
    }

    // digest-copy
    const copyId = str(data, 'copyId');
    const name = str(data, 'backupName');
    const reused = data.reusedBackup === true;
    const copySheet = openSheet(env, copyId, config.targetSheet);
    let mismatch = '';
    let acc = '';
    if (!copySheet) {
      mismatch = `the copy has no ${tab} tab or cannot be opened`;
    } else {
      if (cursor.nextRow === 1) {
        // The copy was taken while the tab was protected for the migration and carries that
        // protection, which would keep the backup's other editors out of it for good. Removed
        // here, before the check, so that an execution dying right after the copy still gets
        // it removed on the resume. Only ours (by its description) goes.
        removeMigrationProtection(env, copySheet);
        const dims = [copySheet.getLastRow(), copySheet.getMaxRows(), copySheet.getMaxColumns()];
        const want = [lastRow, maxRows, maxColumns];
        if (dims.some((v, i) => v !== want[i])) {
          mismatch = `the copy's ${tab} has ${dims[0]} rows of content in a ${dims[1]} × ${dims[2]} grid, the source ${want[0]} in ${want[1]} × ${want[2]}`;
        }
      }
      if (!mismatch) {
        const p = digestWithin(budget, cursor, copySheet, n, ctx.chunkRows, env.sha256Hex);
        if (!isDigestDone(p)) return go('digest-copy', p.nextRow, progress('Checking the copy', p.nextRow - 1, lastRow), p.acc);
        acc = p.acc;
        if (acc !== str(data, 'sourceDigest')) mismatch = 'its digest differs from the source';
      }
    }

    if (mismatch) {
      if (reused) {
        ctx.log.warn('create_backup', `The backup "${name}" no longer matches its record (${mismatch}); taking a new one.`);
        data.backupName = backupName(config.backupNamePattern, ss, env, env.now());
        data.reusedBackup = false;
        delete data.copyId;
        return go('copy', lastRow + 1, 'The existing backup changed since it was taken; making a new copy.');
      }
      // No cursor: a re-run starts the backup again from the source digest.
      return fail(
        `the copy "${name}" does not equal ${tab}: ${mismatch}; the sheet was probably edited meanwhile. ` +
          `${discardCopy(ctx, copyId, name)}; the sheet itself was not changed. Ask others to stop editing, then run again`,
      );
    }

    const prev = ctx.backup;
    const same = prev && prev.id === copyId ? prev : null;
    const record: BackupRecord = {
      v: 1,
      id: copyId,
      name,
      url: str(data, 'copyUrl') || (same ? same.url : ''),
      createdAt: str(data, 'copiedAt') || (same ? same.createdAt : new Date(env.now()).toISOString()),
      createdBy: reused && prev ? prev.createdBy : ctx.run.startedBy,
      spreadsheetId: ss.getId(),
      sheetName: config.targetSheet,
      sheetId: int(data, 'sheetId'),
      columnCount: n,
      lastRow,
      maxRows,
      maxColumns,
      digest: acc,
      chunkRows: ctx.chunkRows,
    };
    if (!reused) ctx.store.writeBackup(record);
    return {
      state: 'done',
      detail: `${reused ? `Kept the existing backup "${name}": it still equals` : `Backup "${name}" created and proved equal to`} ${tab} (${plural(lastRow, 'row')} × ${plural(n, 'column')}).`,
      data: { backupId: copyId, backupName: name, reusedBackup: reused },
      backup: reused ? undefined : record,
      rowsDone: lastRow,
      rowsTotal: lastRow,
    };
  },
  (cp) => {
    const name = str(cp.data || {}, 'backupName');
    return cp.state === 'done' && cp.data?.reusedBackup !== true && name ? `the backup file "${name}" was created (nothing in the sheet changed)` : null;
  },
);

/**
 * Copies the spreadsheet. A copy is not idempotent, so an earlier attempt that died after
 * Drive made the file (but before the checkpoint named it) is looked for by its unique name
 * first, and adopted instead of copying twice.
 */
function copySpreadsheet(ctx: StepContext, name: string): { id: string; url: string } {
  let earlier: DriveFileLike[] = [];
  try {
    earlier = ctx.env.findFilesByName ? ctx.env.findFilesByName(name).filter((f) => !f.isTrashed()) : [];
  } catch (e) {
    // Searching needs a Drive scope the add-on may not have; then a retry may leave an extra copy.
    if (e instanceof Error && isTransient(e)) throw e;
  }
  if (earlier.length) {
    const keep = earlier[0];
    earlier.slice(1).forEach((f) => discardCopy(ctx, f.getId(), name));
    return { id: keep.getId(), url: keep.getUrl() };
  }
  if (ctx.config.backupFolderId) {
    const source = ctx.env.getFileById(ctx.ss.getId());
    if (!source) throw new Error(`Drive cannot find this spreadsheet (${ctx.ss.getId()}) to copy it.`);
    const file = source.makeCopy(name, ctx.env.getFolderById(ctx.config.backupFolderId));
    return { id: file.getId(), url: file.getUrl() };
  }
  const copy = ctx.ss.copy(name);
  return { id: copy.getId(), url: copy.getUrl() };
}

/**
 * Puts a copy that must not pass for a backup out of the way, and says where it went: to the
 * Drive trash when the add-on may write to Drive (the drive scope, granted only with a backup
 * folder), otherwise renamed through Sheets so that nobody mistakes it for a backup.
 */
function discardCopy(ctx: StepContext, id: string, name: string): string {
  const file = ctx.env.getFileById(id);
  if (!file || file.isTrashed()) return 'The copy is already gone';
  try {
    file.setTrashed(true);
    return 'The copy was moved to the Drive trash';
  } catch (e) {
    if (!isPermissionError(e)) throw e;
  }
  const marked = `${name} (NOT A BACKUP - incomplete copy, delete it)`;
  const copy = ctx.env.openSpreadsheetById(id);
  if (copy.getName() !== marked && copy.rename) copy.rename(marked);
  return `The copy was renamed "${marked}" (Sheet Migrator may not delete files); delete it`;
}
