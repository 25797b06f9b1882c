// Step 1: a copy of the whole spreadsheet, proved equal to the source before it counts as the
// backup. Phases, each resumable from the checkpoint:
//   digest-source (chunked) -> copy -> digest-copy (chunked) -> record
// The source digest is taken before the copy and checked on the copy, so an edit anywhere in
// between shows up as a mismatch instead of a silently different backup.
import { DIGEST_SEED, digestNextChunk, isDigestDone } from '../digest';
import { DriveFileLike, Env, SpreadsheetLike, SheetLike } from '../gas';
import { isPermissionError, isTransient } from '../retry';
import { removeMigrationProtection } from '../protection';
import { BackupRecord, ChunkCursor } from '../state';
import { columnLetter } from '../preflight';
import { repeatWithin, unitBudget } from '../chunking';
import { CheckpointData, Step, StepContext, StepOutcome, num, plural } from './types';
import { formatWhen } from '../wording';

type Phase = 'digest-source' | 'copy' | 'digest-copy';

export function backupName(pattern: string, ss: SpreadsheetLike, env: Env, at: number): string {
  const stamp = env.formatDate(new Date(at), ss.getSpreadsheetTimeZone(), 'yyyyMMdd_HHmmss');
  return pattern.split('{spreadsheet}').join(ss.getName()).split('{yyyyMMdd_HHmmss}').join(stamp);
}

/** A recorded backup file that can still be opened and is not in the trash. */
export function backupFileAlive(env: Env, backup: BackupRecord): boolean {
  const file = env.getFileById(backup.id);
  return !!file && !file.isTrashed();
}

function str(d: CheckpointData, k: string): string {
  const v = d[k];
  return typeof v === 'string' ? v : '';
}
function int(d: CheckpointData, k: string): number {
  const v = d[k];
  return typeof v === 'number' ? v : 0;
}

function running(cursor: ChunkCursor, data: CheckpointData, detail: string, rowsTotal: number): StepOutcome {
  return {
    state: 'running',
    detail,
    cursor,
    data,
    rowsDone: Math.max(0, cursor.nextRow - 1),
    rowsTotal,
  };
}

function openCopySheet(ctx: StepContext, id: string): SheetLike | null {
  try {
    return ctx.env.openSpreadsheetById(id).getSheetByName(ctx.config.targetSheet);
  } catch (e) {
    if (isTransient(e)) throw e;
    return null;
  }
}

export const createBackup: Step = {
  id: 'create_backup',
  title: 'Back up the spreadsheet',

  plan(p) {
    const n = p.layout.columnCountBefore;
    const changes: string[] = [];
    if (p.layout.v3Present.length > 0 && p.backup) {
      changes.push(
        `Keep the existing v2.1 backup "${p.backup.name}" (taken ${formatWhen(p.env, p.backup.createdAt)}); the sheet already has v3 columns, so a new copy would not be a v2.1 backup.`,
      );
    } else {
      changes.push(
        `Copy the whole spreadsheet "${p.spreadsheetName}" to a new file named "${p.backupName}"` +
          (p.config.backupFolderId ? ` in the Drive folder ${p.config.backupFolderId}.` : ' in your My Drive.'),
      );
      changes.push(
        `Prove the copy equals "${p.config.targetSheet}": digest of rows 1–${num(p.lastRow)} × columns A–${columnLetter(n)} (${plural(n, 'column')}), read in chunks of ${num(p.chunkRows)} rows, on the source and then on the copy.`,
      );
      if (p.backup) {
        changes.push(
          `If the previous backup "${p.backup.name}" still holds exactly this data, keep it instead of copying again; otherwise the new copy replaces its record (the old file is kept).`,
        );
      }
    }
    return { id: 'create_backup', title: this.title, changes };
  },

  changed(cp) {
    const d = cp.data || {};
    if (cp.state === 'done' && d.reusedBackup !== true && str(d, 'backupName')) return `the backup file "${str(d, 'backupName')}" was created (nothing in the sheet changed)`;
    return null;
  },

  run(ctx, cp) {
    const n = ctx.layout.columnCountBefore;
    const data: CheckpointData = { ...(cp.data || {}) };
    let cursor = cp.cursor;

    if (!cursor) {
      if (ctx.layout.v3Present.length > 0 && ctx.backup && ctx.backup.spreadsheetId === ctx.ss.getId()) {
        // Only a backup taken while the sheet was pure v2.1 is a v2.1 backup: keep it.
        const b = ctx.backup;
        if (!backupFileAlive(ctx.env, b)) {
          return {
            state: 'failed',
            detail:
              `the v2.1 backup "${b.name}" (${b.url}) recorded on ${formatWhen(ctx.env, b.createdAt)} is missing or in the trash, and the sheet already has v3 columns (${ctx.layout.v3Present.join(', ')}), so a new copy would not be a v2.1 backup. ` +
              `Restore that file from the Drive trash and run again; if it is lost for good, delete the v3 columns so the sheet is pure v2.1 again and run again (a new backup is then taken)`,
          };
        }
        if (b.columnCount !== n) {
          return {
            state: 'failed',
            detail: `the recorded v2.1 backup "${b.name}" has ${b.columnCount} v2.1 columns but the sheet now has ${n}, so it is not a backup of this sheet. Restore the sheet's v2.1 columns, or roll back, then run again`,
          };
        }
        return {
          state: 'done',
          detail: `Kept the v2.1 backup "${b.name}" taken ${formatWhen(ctx.env, b.createdAt)}: the sheet already has v3 columns, so a new copy would not be a v2.1 backup.`,
          data: { backupId: b.id, reusedBackup: true },
        };
      }
      const lastRow = ctx.sheet.getLastRow();
      data.columnCount = n;
      data.sourceLastRow = lastRow;
      data.sourceMaxRows = ctx.sheet.getMaxRows();
      data.sourceMaxColumns = ctx.sheet.getMaxColumns();
      data.sheetId = ctx.sheet.getSheetId();
      cursor = { phase: 'digest-source', nextRow: 1, lastRow, acc: DIGEST_SEED };
    }
    const lastRow = int(data, 'sourceLastRow');
    const phase = cursor.phase as Phase;
    // A run sized by cells digests chunk after chunk while the unit's budget lasts.
    const budget = unitBudget(ctx);

    if (phase === 'digest-source') {
      const p = repeatWithin(
        budget,
        { nextRow: cursor.nextRow, lastRow: cursor.lastRow, acc: cursor.acc || DIGEST_SEED },
        (from) => digestNextChunk(ctx.sheet, from, n, ctx.chunkRows, ctx.env.sha256Hex),
        (at) => !isDigestDone(at),
      );
      if (!isDigestDone(p)) {
        return running({ phase, nextRow: p.nextRow, lastRow: p.lastRow, acc: p.acc }, data, `Reading "${ctx.config.targetSheet}" for the backup digest: ${num(p.nextRow - 1)} of ${num(lastRow)} rows.`, lastRow);
      }
      data.sourceDigest = p.acc;
      const prior = ctx.backup;
      if (
        prior &&
        prior.spreadsheetId === ctx.ss.getId() &&
        prior.sheetName === ctx.config.targetSheet &&
        prior.columnCount === n &&
        prior.lastRow === lastRow &&
        prior.maxRows === int(data, 'sourceMaxRows') &&
        prior.maxColumns === int(data, 'sourceMaxColumns') &&
        prior.chunkRows === ctx.chunkRows &&
        prior.digest === p.acc &&
        backupFileAlive(ctx.env, prior)
      ) {
        // The recorded backup already holds exactly this data: prove the file still does,
        // instead of copying again.
        data.copyId = prior.id;
        data.backupName = prior.name;
        data.reusedBackup = true;
        return running({ phase: 'digest-copy', nextRow: 1, lastRow, acc: DIGEST_SEED }, data, `The existing backup "${prior.name}" has the same digest; checking the file itself.`, lastRow);
      }
      data.backupName = backupName(ctx.config.backupNamePattern, ctx.ss, ctx.env, ctx.env.now());
      return running({ phase: 'copy', nextRow: lastRow + 1, lastRow }, data, `Digest of "${ctx.config.targetSheet}" taken (${plural(lastRow, 'row')}); copying the spreadsheet next.`, lastRow);
    }

    if (phase === 'copy') {
      const name = str(data, 'backupName');
      const copy = copySpreadsheet(ctx, name);
      data.copyId = copy.id;
      data.copyUrl = copy.url;
      data.copiedAt = new Date(ctx.env.now()).toISOString();
      data.reusedBackup = false;
      ctx.log.info('create_backup', `Copied the spreadsheet to "${name}" (${copy.url}); proving the copy next.`);
      return running({ phase: 'digest-copy', nextRow: 1, lastRow, acc: DIGEST_SEED }, data, `Copied to "${name}"; checking the copy.`, lastRow);
    }

    // digest-copy
    const copyId = str(data, 'copyId');
    const reused = data.reusedBackup === true;
    const copySheet = openCopySheet(ctx, copyId);
    let mismatch: string | null = null;
    let p = { nextRow: cursor.nextRow, lastRow: cursor.lastRow, acc: cursor.acc || DIGEST_SEED };
    if (!copySheet) {
      mismatch = `the copy has no "${ctx.config.targetSheet}" tab or cannot be opened`;
    } else {
      if (cursor.nextRow === 1) {
        // The copy was taken while the tab was protected for the migration and carries that
        // protection, which would keep the backup's other editors out of it for good. Removed
        // here, before the check, so that an execution dying right after the copy still gets
        // it removed on the resume. Only ours (by its description) goes.
        removeMigrationProtection(ctx.env, copySheet);
        const dims = [copySheet.getLastRow(), copySheet.getMaxRows(), copySheet.getMaxColumns()];
        const want = [lastRow, int(data, 'sourceMaxRows'), int(data, 'sourceMaxColumns')];
        if (dims.some((v, i) => v !== want[i])) {
          mismatch = `the copy's "${ctx.config.targetSheet}" is ${dims[0]} rows of content in a ${dims[1]} × ${dims[2]} grid, the source was ${want[0]} in ${want[1]} × ${want[2]}`;
        }
      }
      if (!mismatch) {
        p = repeatWithin(budget, p, (from) => digestNextChunk(copySheet, from, n, ctx.chunkRows, ctx.env.sha256Hex), (at) => !isDigestDone(at));
        if (!isDigestDone(p)) {
          return running({ phase: 'digest-copy', nextRow: p.nextRow, lastRow, acc: p.acc }, data, `Checking the backup copy: ${num(p.nextRow - 1)} of ${num(lastRow)} rows.`, lastRow);
        }
        if (p.acc !== str(data, 'sourceDigest')) mismatch = 'the digest of its values and formulas differs from the source';
      }
    }

    if (mismatch) {
      if (reused) {
        ctx.log.warn('create_backup', `The existing backup "${str(data, 'backupName')}" no longer matches its record (${mismatch}); taking a new one.`);
        data.backupName = backupName(ctx.config.backupNamePattern, ctx.ss, ctx.env, ctx.env.now());
        data.reusedBackup = false;
        delete data.copyId;
        return running({ phase: 'copy', nextRow: lastRow + 1, lastRow }, data, 'The existing backup changed since it was taken; making a new copy.', lastRow);
      }
      const fate = discardCopy(ctx, copyId, str(data, 'backupName'));
      return {
        state: 'failed',
        // No cursor: a re-run starts the backup again from the source digest.
        detail:
          `the backup copy "${str(data, 'backupName')}" does not equal "${ctx.config.targetSheet}": ${mismatch}. The sheet was probably edited while the backup was being made. ` +
          `${fate}; the sheet itself was not changed. Run again to take a new backup (ask others to stop editing the sheet meanwhile)`,
      };
    }

    const record: BackupRecord = {
      v: 1,
      id: copyId,
      name: str(data, 'backupName'),
      url: str(data, 'copyUrl') || (ctx.backup && ctx.backup.id === copyId ? ctx.backup.url : ''),
      createdAt: str(data, 'copiedAt') || (ctx.backup && ctx.backup.id === copyId ? ctx.backup.createdAt : new Date(ctx.env.now()).toISOString()),
      createdBy: reused && ctx.backup ? ctx.backup.createdBy : ctx.run.startedBy,
      spreadsheetId: ctx.ss.getId(),
      sheetName: ctx.config.targetSheet,
      sheetId: int(data, 'sheetId'),
      columnCount: n,
      lastRow,
      maxRows: int(data, 'sourceMaxRows'),
      maxColumns: int(data, 'sourceMaxColumns'),
      digest: p.acc,
      chunkRows: ctx.chunkRows,
    };
    if (!reused) ctx.store.writeBackup(record);
    const outData: CheckpointData = { backupId: record.id, backupName: record.name, reusedBackup: reused };
    return {
      state: 'done',
      detail: reused
        ? `Kept the existing backup "${record.name}": it still equals "${ctx.config.targetSheet}" (${plural(lastRow, 'row')} × ${plural(n, 'column')}).`
        : `Backup "${record.name}" created and proved equal to "${ctx.config.targetSheet}" (${plural(lastRow, 'row')} × ${plural(n, 'column')}).`,
      data: outData,
      backup: reused ? undefined : record,
      rowsDone: lastRow,
      rowsTotal: lastRow,
    };
  },
};

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
  return `The copy was renamed "${marked}" (Sheet Migrator may not delete files); delete it from your Drive`;
}
