// The Status the sidebar renders, built from what one execution already read (header row,
// state records, lease, access), so returning it after a unit costs no extra calls.
import { MigrationConfig } from './config';
import { Access } from './access';
import { displayOwner, isLeaseLive } from './lease';
import { HeaderAnalysis } from './preflight';
import { BackupRecord, HistoryEntry, Lease, RunState } from './state';
import { STEPS } from './steps';
import { BackupInfo, StepId, StepInfo, Status } from './types';
import { plural } from './steps/types';
import { phaseLabel } from './rollback/progress';
import { rollbackUntilOf } from './rollback/state';
import { formatDuration } from './wording';

export interface StatusInput {
  config: MigrationConfig;
  now: number;
  /** null when the target sheet does not exist. */
  layout: HeaderAnalysis | null;
  run: RunState | null;
  backup: BackupRecord | null;
  history: HistoryEntry[];
  lease: Lease | null;
  /** Lease owner string of the caller: their own lease is not "someone else running". */
  viewer: string | null;
  access: Access | null;
  problem: string | null;
  /** A rollback under way (sm.rollback), shown so that nobody starts a migration meanwhile. */
  rollback?: { phase: string; startedBy: string; startedAt: string } | null;
  /** Times in prose (formatWhen); asked lazily, only when a sentence needs one. */
  when?: (iso: string) => string;
}

/** What the sidebar and the report show of the backup record. */
export function backupInfo(b: BackupRecord): BackupInfo {
  return { id: b.id, name: b.name, url: b.url, createdAt: b.createdAt };
}

/** The newest history entry, when it is a completed migration. */
export function lastMigrationOf(history: HistoryEntry[]): HistoryEntry | null {
  const last = history[history.length - 1];
  return last && last.kind === 'migration' ? last : null;
}

export function isMigrated(layout: HeaderAnalysis | null, history: HistoryEntry[], config: MigrationConfig): boolean {
  return (
    !!layout &&
    layout.v3Missing.length === 0 &&
    layout.v3Present.length === config.newColumns.length &&
    !layout.problems.some((p) => p.code === 'lookalike' || p.code === 'v3-inside') &&
    lastMigrationOf(history) !== null
  );
}

/**
 * When the rollback window ends or ended (ISO, past or future), by the rollback's own rule
 * (rollbackUntilOf); null when there is nothing to roll back to. Kept after the window has
 * passed, so the sidebar can say when it ended.
 */
export function rollbackDeadline(i: Pick<StatusInput, 'config' | 'run' | 'backup' | 'history'> & { layout?: HeaderAnalysis | null }): string | null {
  let until = NaN;
  try {
    until = Date.parse(rollbackUntilOf(i.backup, i.run, i.history, !!i.layout && i.layout.v3Present.length > 0, i.config.rollbackWindowDays) || '');
  } catch (e) {
    // An unreadable time in a record: no deadline rather than no status.
  }
  return isNaN(until) ? null : new Date(until).toISOString();
}

export function rollbackAvailableUntil(i: Parameters<typeof rollbackDeadline>[0] & Pick<StatusInput, 'now'>, deadline = rollbackDeadline(i)): string | null {
  return deadline !== null && Date.parse(deadline) > i.now ? deadline : null;
}

/**
 * A finished step's own line, from what the migration's history entry (and the backup record)
 * kept of it once its checkpoints were cleared; null when the entry did not record its time.
 */
function finishedStepDetail(id: StepId, i: StatusInput, last: HistoryEntry): string | null {
  const ms = last.durationsMs ? last.durationsMs[id] : undefined;
  if (typeof ms !== 'number') return null;
  const { config } = i;
  // The backup record describes this migration only when it is the one the entry names.
  const backup = i.backup && i.backup.id === last.backupId ? i.backup : null;
  const took = `Took ${formatDuration(ms)}.`;
  const added = config.newColumns.length;
  switch (id) {
    case 'create_backup':
      return backup ? `Whole file copied to "${backup.name}". ${took}` : took;
    case 'add_v3_columns':
      return `${config.newColumns.map((c) => c.name).join(', ')} in place. ${took}`;
    case 'verify_schema':
      return backup ? `${backup.columnCount + added} columns = ${backup.columnCount} + ${added}, found by name. ${took}` : took;
    case 'initialize_versions': {
      const set = config.newColumns.filter((c) => c.initialValue !== '').map((c) => `${c.name} = ${JSON.stringify(c.initialValue)}`).join(', ');
      return typeof last.rowsWritten === 'number' && set ? `${set} on ${plural(last.rowsWritten, 'row')}. ${took}` : took;
    }
    case 'test_smoke':
      return `v${config.fromVersion} data proved equal to the backup; migration completed by ${last.by}. ${took}`;
  }
  return took;
}

/**
 * The caller's own lease is not "someone else running". A caller that names its sidebar
 * ("email#client") owns only that lease; one that does not (the sidebar's status poll, the
 * script editor) owns every lease of the same person.
 */
export function isViewersLease(owner: string, viewer: string | null): boolean {
  if (!viewer) return false;
  if (owner === viewer) return true;
  return !viewer.includes('#') && displayOwner(owner).toLowerCase() === viewer.toLowerCase();
}

export function buildStatus(i: StatusInput): Status {
  const { config, layout, run, history } = i;
  const migrated = isMigrated(layout, history, config) && !run;
  const last = lastMigrationOf(history);
  const steps: StepInfo[] = config.steps.map((id) => {
    const info: StepInfo = { id, title: STEPS[id].title, state: 'pending' };
    const cp = run ? run.steps[id] : undefined;
    if (cp) {
      info.state = cp.state;
      if (cp.detail) info.detail = cp.detail;
      if (cp.completedAt) info.completedAt = cp.completedAt;
      if (typeof cp.rowsDone === 'number') info.rowsDone = cp.rowsDone;
      if (typeof cp.rowsTotal === 'number') info.rowsTotal = cp.rowsTotal;
    } else if (!run && migrated && last) {
      info.state = 'done';
      info.completedAt = last.at;
      const when = i.when || ((iso: string) => iso);
      info.detail = finishedStepDetail(id, i, last) || `Done: the migration was completed ${when(last.at)} by ${last.by}.`;
    }
    return info;
  });
  const done = steps.filter((s) => s.state === 'done' || s.state === 'skipped').length;
  const lease = i.lease;
  const running = lease && isLeaseLive(lease, i.now) && !isViewersLease(lease.owner, i.viewer) ? { by: displayOwner(lease.owner), since: lease.since } : null;
  const deadline = rollbackDeadline(i);
  const status: Status = {
    sheetName: config.targetSheet,
    columnCount: layout ? layout.headers.length : 0,
    migrated,
    steps,
    progress: { done, total: steps.length },
    backup: i.backup ? backupInfo(i.backup) : null,
    rollbackAvailableUntil: rollbackAvailableUntil(i, deadline),
    rollbackDeadline: deadline,
    rollbackWindowEnded: !!i.backup && deadline !== null && !rollbackAvailableUntil(i, deadline),
    now: new Date(i.now).toISOString(),
    running,
    v3ColumnsPresent: layout ? layout.v3Present.slice() : [],
    problem: i.problem,
    failure: run && run.failure ? run.failure : null,
    rollbackInProgress: i.rollback ? { phase: i.rollback.phase, phaseLabel: phaseLabel(i.rollback.phase), by: i.rollback.startedBy, since: i.rollback.startedAt } : null,
  };
  if (i.access) {
    status.canAct = i.access.canAct;
    status.actor = i.access.actor;
    status.whoCanAct = i.access.whoCanAct;
    status.readOnlyReason = i.access.canAct ? null : i.access.reason;
  }
  return status;
}
