// The rollback's own checkpoint (document property sm.rollback). It is written before and after
// every mutating phase, so an execution that dies at any call leaves a record from which the
// next call resumes or re-runs the interrupted phase to the same end state.
import { KEYS, StateStore } from '../state';
import { ChangeCount, V3Column } from './changes';

/** In order. The first two only read; from `snapshot` on, the file changes. */
export const PHASES = [
  'check_backup',
  'count_changes',
  'snapshot',
  'temp_sheet',
  'remove_v3',
  'fit_grid',
  'copy_range',
  'prove',
  'delete_temp',
  'finish',
] as const;
export type Phase = (typeof PHASES)[number];

/**
 * Each phase in plain words, for every message a person reads ("it stopped while …"): the
 * phase ids are the checkpoint's vocabulary, not the sheet owner's. The one table: status
 * carries the words to the sidebar (rollbackInProgress.phaseLabel).
 */
export const PHASE_LABELS: Record<Phase, string> = {
  check_backup: 'checking the backup',
  count_changes: 'counting the changes since the backup',
  snapshot: 'saving the snapshot',
  temp_sheet: 'copying the backup’s tab in',
  remove_v3: 'removing the columns the migration added',
  fit_grid: 'resizing the tab',
  copy_range: 'copying the backup’s values back',
  prove: 'checking the restored tab against the backup',
  delete_temp: 'removing the temporary tab',
  finish: 'finishing',
};

/** A phase in words; an id this version does not know (a newer record) reads as itself. */
export function phaseLabel(phase: string): string {
  return (PHASE_LABELS as Record<string, string>)[phase] || phase.replace(/_/g, ' ');
}

export const READ_ONLY_PHASES: readonly Phase[] = PHASES.slice(0, 2);

export interface RollbackProgress {
  v: number;
  id: string;
  backupId: string;
  startedAt: string;
  startedBy: string;
  migration: 'complete' | 'partial';
  rollbackUntil: string;
  phase: Phase;
  /** Chunked phases (check_backup, copy_range, prove): next row, last row, running digest. */
  cursor: { nextRow: number; lastRow: number; acc: string } | null;
  /** What changed since the backup; complete once count.nextRow > count.lastRow. */
  count: ChangeCount | null;
  /** v3 columns as found in the target sheet when counting started. */
  v3Columns: V3Column[];
  snapshotName: string;
  snapshotId: string | null;
  /** Set just before Spreadsheet.copy: a missing id after this means "look for it by name". */
  snapshotRequested: boolean;
  /** Sheet ids of this spreadsheet before the temporary copy was added (leftover detection). */
  sheetIdsBefore: number[] | null;
  tempSheetId: number | null;
  tempSheetName: string;
  removedColumns: string[];
  proveAttempts: number;
  /**
   * Restore in place, without the temporary tab: set when the workbook has no room for a copy
   * of the backup's tab (Google's 10-million-cell limit) and no v2.1 cell changed since the
   * backup, so removing the v3 columns and the grid added since gives the backup's tab back.
   */
  inPlace?: boolean;
  /**
   * Whether this rollback protects the target tab while it changes it ('ours'), found it
   * protected by someone else ('preexisting', left alone), or does not ('off'). Decided before
   * anything changes; absent in records of older versions, which then count as 'ours'.
   */
  protection?: 'ours' | 'preexisting' | 'off';
  /** Set once the protection is in place, so later calls need not check it again. */
  protected?: boolean;
}

/** Phases during which the target tab is protected: from the snapshot to the last restore check. */
export const PROTECTED_PHASES: readonly Phase[] = PHASES.slice(2, -1); // snapshot … delete_temp

export function readProgress(store: StateStore): RollbackProgress | null {
  return store.readJson<RollbackProgress>(
    KEYS.rollback,
    (v) => typeof v.id === 'string' && typeof v.backupId === 'string' && (PHASES as readonly string[]).includes(v.phase as string),
  );
}

export function writeProgress(store: StateStore, p: RollbackProgress): void {
  store.writeJson(KEYS.rollback, p);
}

export function clearProgress(store: StateStore): void {
  store.remove(KEYS.rollback);
}

export function nextPhase(phase: Phase): Phase | null {
  const i = PHASES.indexOf(phase);
  return i + 1 < PHASES.length ? PHASES[i + 1] : null;
}

/** The temporary tab a rollback copies the backup's tab into. */
export function tempTabName(sheetName: string, rollbackId: string): string {
  return `${sheetName} (rollback ${rollbackId.slice(0, 8)})`;
}

/** Whether a tab is some rollback's temporary tab for `sheetName` (one left behind by an abandoned rollback). */
export function isTempTabName(name: string, sheetName: string): boolean {
  return name.startsWith(`${sheetName} (rollback `) && /^[0-9a-f]{8}\)$/.test(name.slice(sheetName.length + 11));
}
