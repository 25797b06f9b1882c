// Persisted migration state: small JSON values in document properties. Every value is
// versioned and validated on read, so a corrupted or foreign state is reported with a way
// out instead of being mistaken for "nothing done".
import { PropertyStore } from './gas';
import { StepId, StepState } from './types';

export const STATE_VERSION = 1;
/** Apps Script refuses property values over 9 KB; stay clearly below. */
export const MAX_VALUE_BYTES = 8 * 1024;

export const KEYS = {
  run: 'sm.run',
  backup: 'sm.backup',
  history: 'sm.history',
  lease: 'sm.lease',
  rollback: 'sm.rollback',
  logHead: 'sm.log.head',
  logPage: (n: number) => `sm.log.${n}`,
} as const;

/** Where a long, chunked step stopped; rows are 1-based sheet rows. */
export interface ChunkCursor {
  nextRow: number;
  lastRow: number;
  /** Running digest accumulator (see digest.ts) for steps that hash. */
  acc?: string;
  /** Step-specific counters (rows written, conflicts found, ...). */
  counters?: Record<string, number>;
  phase?: string;
}

export interface StepCheckpoint {
  state: StepState;
  detail?: string;
  startedAt?: string;
  completedAt?: string;
  durationMs?: number;
  cursor?: ChunkCursor;
  /** Progress inside a long step, for the sidebar's progress bar. */
  rowsDone?: number;
  rowsTotal?: number;
  /** Small step-specific facts for later steps and the report. */
  data?: Record<string, string | number | boolean | null>;
}

export interface RunState {
  v: number;
  runId: string;
  startedAt: string;
  startedBy: string;
  /** Header columns before any v3 column was added (the "before" of before + added). */
  columnCountBefore: number | null;
  steps: Partial<Record<StepId, StepCheckpoint>>;
  failure?: { step: StepId; message: string; at: string } | null;
  /** Rows per chunk, fixed for the whole run (a digest depends on its chunk size). */
  chunkRows?: number;
  /** Cells per Spreadsheet call when the run sizes its chunks by cells (src/core/chunking.ts); absent: one chunk of chunkRows rows per unit. */
  chunkCells?: number;
  /** Whether this run protects the sheet ('ours'), found it protected by someone else, or does not. */
  protection?: 'ours' | 'preexisting' | 'off';
  /**
   * Who our protection was last checked and restricted for (protection 'ours'): set once the
   * check completed, cleared before the add-on lifts the protection after a failure.
   */
  protectionCheckedFor?: string;
}

export interface BackupRecord {
  v: number;
  id: string;
  name: string;
  url: string;
  createdAt: string;
  createdBy: string;
  spreadsheetId: string;
  sheetName: string;
  sheetId: number;
  /** v2.1 header columns (the digest covers columns 1..columnCount). */
  columnCount: number;
  /** Last row with content, header included. */
  lastRow: number;
  maxRows: number;
  maxColumns: number;
  /** Digest of rows 1..lastRow, columns 1..columnCount; see digest.ts. */
  digest: string;
  chunkRows: number;
}

export interface HistoryEntry {
  kind: 'migration' | 'rollback';
  from: string;
  to: string;
  by: string;
  at: string;
  backupId: string | null;
  snapshotId?: string | null;
  durationsMs?: Partial<Record<StepId, number>>;
  digest?: string;
  /** Migration entries: until when a rollback is allowed. */
  rollbackUntil?: string;
  rowsWritten?: number;
  /** The run that produced this entry, so that a resumed finish never records it twice. */
  runId?: string;
}

export interface Lease {
  owner: string;
  token: string;
  since: string;
  expiresAt: string;
  op: 'migration' | 'rollback';
}

export class CorruptStateError extends Error {
  constructor(
    public readonly key: string,
    reason: string,
    remedy = 'Use "Start over" in the sidebar (startOver()) to discard it, then run again; the v2.1 backup file is never deleted.',
  ) {
    super(`The saved migration state "${key}" ${reason}. Nothing was changed. ${remedy}`);
    this.name = 'CorruptStateError';
  }
}

const HISTORY_LIMIT = 20;

type Check<T> = (v: Record<string, unknown>) => v is Record<string, unknown> & T;

export class StateStore {
  constructor(private readonly props: PropertyStore) {}

  readRun(): RunState | null {
    return this.read(KEYS.run, (v): v is Record<string, unknown> & RunState =>
      typeof v.runId === 'string' && typeof v.steps === 'object' && v.steps !== null && !Array.isArray(v.steps),
    );
  }
  writeRun(run: RunState): void {
    this.write(KEYS.run, run);
  }
  clearRun(): void {
    this.props.deleteProperty(KEYS.run);
  }

  readBackup(): BackupRecord | null {
    return this.read(KEYS.backup, (v): v is Record<string, unknown> & BackupRecord =>
      typeof v.id === 'string' && typeof v.digest === 'string' && typeof v.columnCount === 'number',
    );
  }
  writeBackup(backup: BackupRecord): void {
    this.write(KEYS.backup, backup);
  }
  clearBackup(): void {
    this.props.deleteProperty(KEYS.backup);
  }

  readHistory(): HistoryEntry[] {
    const h = this.read(KEYS.history, (v): v is Record<string, unknown> & { entries: HistoryEntry[] } =>
      Array.isArray(v.entries),
    );
    return h ? h.entries : [];
  }
  /** `current`: the history as just read, when the caller has it (spares a read). */
  appendHistory(entry: HistoryEntry, current = this.readHistory()): void {
    let entries = current.concat([entry]).slice(-HISTORY_LIMIT);
    // The oldest entries give way when the record would outgrow one property value.
    while (entries.length > 1 && utf8Length(KEYS.history) + utf8Length(JSON.stringify({ v: STATE_VERSION, entries })) > MAX_VALUE_BYTES) {
      entries = entries.slice(1);
    }
    this.write(KEYS.history, { v: STATE_VERSION, entries });
  }

  readLease(): Lease | null {
    return this.read(KEYS.lease, (v): v is Record<string, unknown> & Lease =>
      typeof v.owner === 'string' && typeof v.token === 'string' && typeof v.expiresAt === 'string',
    );
  }
  writeLease(lease: Lease): void {
    this.write(KEYS.lease, lease);
  }
  clearLease(): void {
    this.props.deleteProperty(KEYS.lease);
  }

  /** Generic access for modules with their own small records (rollback progress). */
  readJson<T>(key: string, isValid: (v: Record<string, unknown>) => boolean): T | null {
    return this.read(key, isValid as Check<T>) as T | null;
  }
  writeJson(key: string, value: object): void {
    this.write(key, value);
  }
  remove(key: string): void {
    this.props.deleteProperty(key);
  }

  private read<T>(key: string, isValid: Check<T>): T | null {
    const raw = this.props.getProperty(key);
    if (raw === null || raw === '') return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      throw new CorruptStateError(key, 'is not valid JSON');
    }
    const obj = (parsed || {}) as Record<string, unknown>;
    if (typeof obj.v === 'number' && obj.v > STATE_VERSION) {
      throw new CorruptStateError(
        key,
        `was written by a newer version of Sheet Migrator (state v${obj.v}; this version reads v${STATE_VERSION})`,
        'Update the add-on, then try again.',
      );
    }
    // Not an object (a number, a list, a string…) has no v of 1.
    if (typeof obj !== 'object' || Array.isArray(obj) || obj.v !== STATE_VERSION || !isValid(obj)) throw new CorruptStateError(key, 'does not have the expected shape');
    return obj as unknown as T;
  }

  private write(key: string, value: object): void {
    const text = JSON.stringify({ ...value, v: STATE_VERSION });
    if (utf8Length(key) + utf8Length(text) > MAX_VALUE_BYTES) {
      // A bug, not a user error: every record is designed to stay small.
      throw new Error(`State record ${key} would be ${text.length} bytes, over the ${MAX_VALUE_BYTES}-byte budget`);
    }
    this.props.setProperty(key, text);
  }
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
