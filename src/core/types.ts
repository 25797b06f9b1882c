// Shapes of the server contract (../shared/CONTRACT.md). Everything here crosses
// google.script.run, so it must stay plain JSON: ISO strings, never Date or class instances.

export type StepId = 'create_backup' | 'add_v3_columns' | 'verify_schema' | 'initialize_versions' | 'test_smoke';
export type StepState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export const STEP_IDS: readonly StepId[] = [
  'create_backup',
  'add_v3_columns',
  'verify_schema',
  'initialize_versions',
  'test_smoke',
];

export interface StepInfo {
  id: StepId;
  title: string;
  state: StepState;
  detail?: string;
  completedAt?: string;
  /** Rows handled so far inside a long step, for the sidebar's progress bar. */
  rowsDone?: number;
  rowsTotal?: number;
}

export interface BackupInfo {
  id: string;
  name: string;
  url: string;
  createdAt: string;
}

export interface Status {
  sheetName: string;
  columnCount: number;
  migrated: boolean;
  steps: StepInfo[];
  progress: { done: number; total: number };
  backup: BackupInfo | null;
  rollbackAvailableUntil: string | null;
  /**
   * When the rollback window ends or ended (ISO, past or future) whenever there is a backup
   * to roll back to; rollbackAvailableUntil turns null once it has passed.
   */
  rollbackDeadline?: string | null;
  /**
   * The server's decision, so that no client compares anything with its own clock: a backup
   * exists and its rollback window has passed (the backup stays in Drive for a manual restore).
   */
  rollbackWindowEnded: boolean;
  /** The server's clock (ISO) when this status was built. */
  now: string;
  running: { by: string; since: string } | null;
  /** Extra fields for the sidebar. */
  v3ColumnsPresent?: string[];
  canAct?: boolean;
  actor?: string;
  whoCanAct?: string;
  /** When canAct is false: why, and what to do (the sidebar shows it as text). */
  readOnlyReason?: string | null;
  problem?: string | null;
  /** The last failure of the run under way: which step, what happened, what to do. */
  failure?: { step: StepId; message: string; at: string } | null;
  /** A rollback that has started and not finished: no migration may start until it has. */
  rollbackInProgress?: { phase: string; by: string; since: string; /** The phase in plain words. */ phaseLabel?: string } | null;
}

export interface RunOptions {
  dryRun?: boolean;
  force?: boolean;
  /** Names the caller (one per sidebar) to the lease: owner = "email#clientId". */
  clientId?: string;
  /** Tests and benchmarks: rows per chunk for a NEW run (ignored while a run exists). */
  chunkRows?: number;
}

export interface StepResult {
  ok: boolean;
  complete: boolean;
  dryRun: boolean;
  step: StepId | null;
  message: string;
  status: Status;
  /** Dry run only: what each step would do. */
  plan?: PlannedStep[];
  report?: MigrationReport;
  /** Every pre-flight problem, when the run was refused before any change. */
  problems?: string[];
  /** Dry run: the log entries it would have written (a dry run persists nothing). */
  logEntries?: LogEntry[];
}

export interface PlannedStep {
  id: StepId;
  title: string;
  changes: string[];
}

export interface ReportStep {
  id: StepId;
  state: StepState;
  durationMs: number;
  detail: string;
}

export interface MigrationReport {
  ok: boolean;
  complete: boolean;
  dryRun: boolean;
  steps: ReportStep[];
  message: string;
  plan?: PlannedStep[];
  backup?: BackupInfo | null;
  rowsWritten?: number;
  smokeSeed?: number;
  verification?: VerificationReport | null;
  problems?: string[];
  logEntries?: LogEntry[];
  /** Units (steps or chunks) this execution ran. */
  units?: number;
}

export interface Check {
  id: string;
  ok: boolean;
  detail: string;
  /** The check is not finished (verify's digest, continued by the next call); it does not count towards `ok`. */
  skipped?: boolean;
}

export interface VerificationReport {
  ok: boolean;
  generatedAt: string;
  checks: Check[];
  /** One sentence for people: passed / failed (which checks) / in progress. */
  message?: string;
}

/** Where verify's digest of the v2.1 columns stopped: pass it back (with its seed) to continue. */
export interface VerifyResume {
  seed: number;
  backupId: string;
  lastRow: number;
  columnCount: number;
  chunkRows: number;
  /** The next row to compare, and the digest of rows 1..nextRow-1 (src/core/digest.ts). */
  nextRow: number;
  acc: string;
  /** Calls that have compared rows so far. */
  calls: number;
}

export interface RollbackReport {
  ok: boolean;
  message: string;
  backupId: string | null;
  snapshotId: string | null;
  columnCount: number;
  /** Extra: what changed since the migration, counted before acting. */
  changedRows?: number;
  rowsWithV3Data?: number;
  complete?: boolean;
}

export interface LogEntry {
  at: string;
  level: LogLevel;
  step: StepId | null;
  message: string;
}
