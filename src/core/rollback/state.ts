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

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `v3Present`: whether the target sheet has at least one v3 header now. It separates "rolled
 * back" or "never migrated" from a migration whose checkpoints were forgotten (startOver after
 * columns were added), which still needs a rollback to get back to v2.1.
 */
export function migrationState(store: StateStore, config: MigrationConfig, v3Present: boolean): MigrationState {
  const backup = store.readBackup();
  const run = store.readRun();
  const history = store.readHistory();
  const last = history.length ? history[history.length - 1] : null;
  // The coordinator makes its backup before it changes anything, so without one nothing changed.
  if (!backup) return { kind: 'none', backup: null, run };
  const partialUntil = addDays(backup.createdAt, config.rollbackWindowDays);
  if (run) return { kind: 'partial', backup, run, rollbackUntil: partialUntil };
  if (last && last.kind === 'migration') {
    const until = last.rollbackUntil || addDays(last.at, config.rollbackWindowDays);
    return { kind: 'complete', backup, entry: last, rollbackUntil: until };
  }
  if (v3Present) return { kind: 'partial', backup, run: null, rollbackUntil: partialUntil };
  if (last && last.kind === 'rollback') return { kind: 'rolled_back', backup, entry: last };
  return { kind: 'none', backup, run: null };
}

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * DAY_MS).toISOString();
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
