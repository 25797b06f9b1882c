// Where the target sheet stands between v2.1 and v3.0, from the persisted records, and what a
// rollback would restore. Shared by verify (what to check) and rollback (whether to act).
import { MigrationConfig } from '../config';
import { BackupRecord, HistoryEntry, RunState, StateStore } from '../state';

export type MigrationState =
  /** Nothing to verify or undo: no backup, or no v3 column and no migration under way. */
  | { kind: 'none'; backup: BackupRecord | null; run: RunState | null }
  /** The newest record is a rollback and the sheet carries no v3 column. */
  | { kind: 'rolled_back'; backup: BackupRecord | null; entry: HistoryEntry }
  | { kind: 'complete'; backup: BackupRecord; entry: HistoryEntry; rollbackUntil: string }
  /** Some steps ran (or v3 columns exist) without a completed migration on record. */
  | { kind: 'partial'; backup: BackupRecord; run: RunState | null; rollbackUntil: string };

/**
 * `v3Present`: whether the target sheet has at least one v3 header now. It separates "rolled
 * back" or "never migrated" from a migration whose checkpoints were forgotten (startOver after
 * columns were added), which still needs a rollback to get back to v2.1.
 */
export function migrationState(store: StateStore, config: MigrationConfig, v3Present: boolean): MigrationState {
  const backup = store.readBackup();
  const run = store.readRun();
  const history = store.readHistory();
  const last = history[history.length - 1];
  // The coordinator makes its backup before it changes anything, so without one nothing changed.
  if (!backup) return { kind: 'none', backup: null, run };
  const rollbackUntil = rollbackUntilOf(backup, run, history, v3Present, config.rollbackWindowDays) as string;
  if (run) return { kind: 'partial', backup, run, rollbackUntil };
  if (last && last.kind === 'migration') return { kind: 'complete', backup, entry: last, rollbackUntil };
  if (v3Present) return { kind: 'partial', backup, run: null, rollbackUntil };
  if (last && last.kind === 'rollback') return { kind: 'rolled_back', backup, entry: last };
  return { kind: 'none', backup, run: null };
}

/**
 * Until when a rollback is allowed (past or future), or null when there is nothing to roll back
 * to. The one rule for the sidebar's status and the rollback itself: a completed migration's
 * recorded deadline; a run under way, or v3 columns without a completed migration on record,
 * the backup's time + the window.
 */
export function rollbackUntilOf(backup: BackupRecord | null, run: RunState | null, history: HistoryEntry[], v3Present: boolean, days: number): string | null {
  if (!backup) return null;
  const last = history[history.length - 1];
  if (!run && last && last.kind === 'migration') return last.rollbackUntil || addDays(last.at, days);
  return run || v3Present ? addDays(backup.createdAt, days) : null;
}

/** `t` (an ISO time or ms) + `days`, as ISO. */
export function addDays(t: string | number, days: number): string {
  return new Date(+new Date(t) + days * 864e5).toISOString();
}

/** Header names of a header row as read, trailing blank cells dropped. */
export function headerNames(row: unknown[]): string[] {
  const headers = row.map((h) => String(h));
  let n = headers.length;
  while (n > 0 && headers[n - 1].trim() === '') n--;
  return headers.slice(0, n);
}

/** "4 days 3 hours", for messages that tell a person how old a backup is. */
export function describeAge(fromIso: string, nowMs: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const minutes = Math.floor(Math.max(0, nowMs - Date.parse(fromIso)) / 60000);
  if (minutes < 60) return unit(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return unit(hours, 'hour');
  const rest = hours % 24;
  return `${unit(Math.floor(hours / 24), 'day')}${rest ? ` ${unit(rest, 'hour')}` : ''}`;
}
