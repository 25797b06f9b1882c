// Contract: getMigrationStatus, runMigrationStep, runMigration, startOver, getMigrationLog
// (../shared/CONTRACT.md). Each call is one Apps Script execution; the work is in
// src/core/coordinator.ts.
//
// Run options beyond the contract's { dryRun, force }:
//   clientId   names the caller to the lease ("email#clientId"); the sidebar sends one.
//   chunkRows  rows per chunk for a NEW run, 1..50,000 (default: config.chunkRows). Meant for
//              tests and benchmarks, which need several chunks on a small sheet while the
//              bundle's config is fixed; it is pinned in the run state, so every unit of a run
//              (and the backup digest) uses the same value.
import { createContext } from './context';
import { Coordinator, parseRunOptions } from '../core/coordinator';
import { LEVEL_RANK as RANK, readLog } from '../core/log';
import { LogEntry, LogLevel, MigrationReport, RunOptions, Status, StepResult } from '../core/types';

/** Read-only. `options.clientId` (the sidebar's) keeps its own lease from showing as "someone else running". */
export function getMigrationStatus(options?: { clientId?: string }): Status {
  return new Coordinator(createContext()).statusFor(parseRunOptions(options, 'step', false).clientId);
}

/** One bounded unit of work (one step, or one chunk of a long step); the sidebar calls it until `complete`. */
export function runMigrationStep(options?: RunOptions): StepResult {
  const app = createContext();
  const { units: _units, ...result } = new Coordinator(app).execute(parseRunOptions(options, 'step', app.config.dryRun));
  return result;
}

/** Every remaining unit in this execution, stopping (checkpoint saved, complete: false) before the time budget runs out. */
export function runMigration(options?: RunOptions): MigrationReport {
  const app = createContext();
  const o = new Coordinator(app).execute(parseRunOptions(options, 'all', app.config.dryRun));
  return o.report;
}

/** Forgets the step checkpoints so that the next run starts from the first step; never the v2.1 backup record. */
export function startOver(options?: { clientId?: string }): Status {
  const app = createContext();
  const r = new Coordinator(app).startOver(parseRunOptions(options, 'step', false).clientId);
  if (!r.ok) r.status.problem = r.message;
  return r.status;
}

/** The persisted log, newest last. Options: `limit` (newest N), `level` (at least this level). */
export function getMigrationLog(options?: { limit?: number; level?: LogLevel }): { entries: LogEntry[] } {
  const app = createContext();
  const o = options && typeof options === 'object' ? options : {};
  let entries = readLog(app.env.documentProperties());
  const level = typeof o.level === 'string' && o.level in RANK ? (o.level as LogLevel) : null;
  if (level) entries = entries.filter((e) => RANK[e.level] >= RANK[level]);
  if (typeof o.limit === 'number' && Number.isInteger(o.limit) && o.limit > 0) entries = entries.slice(-o.limit);
  return { entries };
}
