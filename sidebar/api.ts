// The sidebar's one door to the server: a promise over google.script.run, typed against the
// contract functions of dist/Code.js (../shared/CONTRACT.md) and the shapes in
// src/core/types.ts. Nothing else in the sidebar touches google.script.
import type {
  Status,
  StepResult,
  MigrationReport,
  VerificationReport,
  VerifyResume,
  RollbackReport,
  LogEntry,
  LogLevel,
  RunOptions,
} from '../src/core/types';

/** Run options as the sidebar sends them: clientId names this sidebar to the lease. */
export interface SidebarRunOptions extends RunOptions {
  clientId?: string;
}

/**
 * rollbackMigration's answer. Without confirm it is a preview (ok: false, nothing changed);
 * the extra fields are optional here so an older server still type-checks.
 */
export interface RollbackAnswer extends RollbackReport {
  canRollBack?: boolean;
  /** What will happen / happened, one line each. */
  plan?: string[];
  backupName?: string | null;
  backupCreatedAt?: string | null;
  backupAge?: string | null;
  rollbackUntil?: string | null;
  snapshotName?: string | null;
  snapshotUrl?: string | null;
  snapshotWhere?: string;
}

/**
 * verifyMigration's answer. A big sheet's digest takes several calls: while `complete` is
 * false, call again with `{ seed, resume }`. Optional here so an older server still type-checks.
 */
export interface VerifyAnswer extends VerificationReport {
  seed?: number | null;
  sampledRows?: number[];
  complete?: boolean;
  resume?: VerifyResume | null;
}

export interface LogOptions {
  limit?: number;
  level?: LogLevel;
}

/** The server functions the sidebar calls, with the types they take and return. */
export interface ServerApi {
  /** clientId: this sidebar's own lease is not reported as someone else's run. */
  getMigrationStatus(options?: { clientId?: string }): Status;
  runMigrationStep(options?: SidebarRunOptions): StepResult;
  runMigration(options?: SidebarRunOptions): MigrationReport;
  startOver(options?: { clientId?: string }): Status;
  verifyMigration(options?: { seed?: number; resume?: VerifyResume }): VerifyAnswer;
  rollbackMigration(options: { confirm: boolean }): RollbackAnswer;
  getMigrationLog(options?: LogOptions): { entries: LogEntry[] };
}

export type ServerFunction = keyof ServerApi;

// The part of google.script.run this wrapper uses (HtmlService's client-side API).
interface ScriptRunner {
  withSuccessHandler(fn: (value: unknown) => void): ScriptRunner;
  withFailureHandler(fn: (error: unknown) => void): ScriptRunner;
  [fn: string]: unknown;
}
declare const google: { script: { run: ScriptRunner } } | undefined;

/** A failure of the call itself (thrown on the server, network, authorisation). */
export class ServerError extends Error {
  constructor(readonly fn: ServerFunction, message: string) {
    super(message);
    this.name = 'ServerError';
  }
}

export function serverAvailable(): boolean {
  return typeof google !== 'undefined' && !!google && !!google.script && !!google.script.run;
}

export function call<K extends ServerFunction>(
  fn: K,
  ...args: Parameters<ServerApi[K]>
): Promise<ReturnType<ServerApi[K]>> {
  return new Promise((resolve, reject) => {
    if (!serverAvailable()) {
      reject(new ServerError(fn, 'google.script.run is not available: open this page from the add-on menu.'));
      return;
    }
    const runner = google!.script.run
      .withSuccessHandler((value) => resolve(value as ReturnType<ServerApi[K]>))
      .withFailureHandler((error) => reject(new ServerError(fn, errorText(error))));
    const target = runner[fn];
    if (typeof target !== 'function') {
      reject(new ServerError(fn, `The server has no function ${fn}.`));
      return;
    }
    (target as (...a: unknown[]) => void).apply(runner, args);
  });
}

function errorText(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
