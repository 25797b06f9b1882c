// The shape every migration step has. A step does one bounded unit of work per call (a
// whole short step, or one chunk of a long one) and says where it stopped; the coordinator
// saves that as the step's checkpoint before anything else happens, so a step never holds
// progress that is not on disk.
import { MigrationConfig, NewColumn } from '../config';
import { Env, SheetLike, SpreadsheetLike } from '../gas';
import { MigrationLog } from '../log';
import { columnLetter, HeaderAnalysis } from '../preflight';
import { BackupRecord, ChunkCursor, HistoryEntry, RunState, StateStore, StepCheckpoint } from '../state';
import { PlannedStep, StepId } from '../types';

export type CheckpointData = Record<string, string | number | boolean | null>;

/** What one unit of a step sees. The header row was read once for the whole unit. */
export interface StepContext {
  env: Env;
  config: MigrationConfig;
  store: StateStore;
  log: MigrationLog;
  ss: SpreadsheetLike;
  sheet: SheetLike;
  layout: HeaderAnalysis;
  run: RunState;
  backup: BackupRecord | null;
  history: HistoryEntry[];
  /** Rows per chunk, fixed for the run. */
  chunkRows: number;
  /** Cells per call when the run is sized by cells: chunks fit this and a unit runs several (chunking.ts). */
  chunkCells?: number;
}

export interface StepOutcome {
  /** done: the step is finished; running: call again to continue from `cursor`; failed: stop. */
  state: 'done' | 'running' | 'failed';
  detail: string;
  /** Where to resume; absent = start the step afresh next time. */
  cursor?: ChunkCursor;
  data?: CheckpointData;
  rowsDone?: number;
  rowsTotal?: number;
  /** The header row after this unit, when the step changed it. */
  headers?: string[];
  /** A backup this unit recorded (already written to the store). */
  backup?: BackupRecord;
}

/** What a plan (dry run) is worked out from: pre-flight facts, no write of any kind. */
export interface PlanContext {
  env: Env;
  config: MigrationConfig;
  spreadsheetName: string;
  layout: HeaderAnalysis;
  lastRow: number;
  maxColumns: number;
  growColumns: number;
  backup: BackupRecord | null;
  backupName: string;
  chunkRows: number;
  chunkCells?: number;
  /** The step's checkpoint when a run is under way. */
  checkpoint: StepCheckpoint | null;
}

export interface Step {
  id: StepId;
  title: string;
  /** The changes a run would make; only asked while the step is not done (see planStep). */
  plan(p: PlanContext): PlannedStep;
  run(ctx: StepContext, checkpoint: StepCheckpoint): StepOutcome;
  /** What this step has already changed, in words, for a failure message; null when nothing. */
  changed(checkpoint: StepCheckpoint): string | null;
}

export function num(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function plural(n: number, word: string): string {
  return `${num(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** "rows 2–2,501" */
export function rowSpan(first: number, last: number): string {
  return first === last ? `row ${num(first)}` : `rows ${num(first)}–${num(last)}`;
}

/** A step's plan: a finished step says so from its checkpoint, the others describe their work. */
export function planStep(step: Step, p: PlanContext): PlannedStep {
  const cp = p.checkpoint;
  if (cp && cp.state === 'done') return { id: step.id, title: step.title, changes: [`Already done: ${cp.detail || 'finished'}.`] };
  return step.plan(p);
}

/** A step from its parts, so that every step has the same shape; `changed` defaults to "nothing". */
export function step(id: StepId, title: string, changes: (p: PlanContext) => string[], run: Step['run'], changed: Step['changed'] = () => null): Step {
  return { id, title, plan: (p) => ({ id, title, changes: changes(p) }), run, changed };
}

export function fail(detail: string, data?: CheckpointData): StepOutcome {
  return { state: 'failed', detail, data };
}

/** A unit that stopped part-way: the next one resumes at `cursor`. */
export function running(detail: string, cursor: ChunkCursor, rowsDone: number, rowsTotal: number, data?: CheckpointData): StepOutcome {
  return { state: 'running', detail, cursor, data, rowsDone, rowsTotal };
}

/** "Checking the copy: 1,200 of 2,501 rows." */
export function progress(what: string, done: number, total: number): string {
  return `${what}: ${num(done)} of ${num(total)} rows.`;
}

/** "Ocupado_Por empty, version = 0" */
export function initialValues(cols: NewColumn[]): string {
  return cols.map((c) => `${c.name} ${c.initialValue === '' ? 'empty' : `= ${JSON.stringify(c.initialValue)}`}`).join(', ');
}

/** "version at BP, Notas at BQ": names in consecutive columns from `first`. */
export function placed(names: string[], first: number): string {
  return names.map((n, i) => `${n} at ${columnLetter(first + i)}`).join(', ');
}

/** The v2.1 column count the run started with (pinned in the run), else this header's. */
export function columnsBefore(ctx: StepContext): number {
  return ctx.run.columnCountBefore ?? ctx.layout.columnCountBefore;
}
