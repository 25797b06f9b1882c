// The migration plan is data (src/migration.config.json). This module gives it a type and
// validates it; build.js runs validateConfig so that a wrong plan never reaches a sheet.
import { STEP_IDS, StepId, LogLevel } from './types';

export interface NewColumn {
  name: string;
  initialValue: string | number;
}

export interface MigrationConfig {
  fromVersion: string;
  toVersion: string;
  targetSheet: string;
  headerRow: number;
  newColumns: NewColumn[];
  expectedColumnCountBefore: number | null;
  steps: StepId[];
  backupFolderId: string | null;
  backupNamePattern: string;
  rollbackWindowDays: number;
  dryRun: boolean;
  logLevel: LogLevel;
  smokeSampleSize: number;
  timeBudgetSeconds: number;
  chunkRows: number;
  /** Cells per Spreadsheet call (a chunk's rows = chunkCells / its width); absent: 200,000 (src/core/chunking.ts). */
  chunkCells?: number;
  leaseSeconds: number;
  protectDuringMigration: boolean;
  allowedUsers: string[];
}

const LEVELS: LogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR'];

/** Whole-number settings: [key, minimum, maximum?, what may stand for "not set"?]. */
const INTS: Array<[string, number, number?, ('null' | 'absent')?]> = [
  ['headerRow', 1],
  // null: no check.
  ['expectedColumnCountBefore', 1, undefined, 'null'],
  ['rollbackWindowDays', 1],
  ['smokeSampleSize', 1],
  // Apps Script stops an execution at 360 s.
  ['timeBudgetSeconds', 5, 300],
  ['chunkRows', 1],
  // Cells per Spreadsheet call.
  ['chunkCells', 1000, undefined, 'absent'],
  ['leaseSeconds', 10],
];

/** Returns every problem found; an empty list means the config is usable. */
export function validateConfig(raw: unknown): string[] {
  const problems: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return ['the config must be a JSON object'];
  const c = raw as Record<string, unknown>;
  const bad = (key: string, what: string) => problems.push(`"${key}" ${what}`);
  const text = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
  for (const k of ['fromVersion', 'toVersion', 'targetSheet', 'backupNamePattern']) if (!text(c[k])) bad(k, 'must be a non-empty string');
  for (const k of ['dryRun', 'protectDuringMigration']) if (typeof c[k] !== 'boolean') bad(k, 'must be true or false');
  for (const [k, min, max, unset] of INTS) {
    const v = c[k];
    const absent = unset === 'null' ? v === null : !!unset && v === undefined;
    if (!absent && !(typeof v === 'number' && Number.isInteger(v) && v >= min && v <= (max || Infinity))) {
      bad(k, `must be ${unset === 'null' ? 'null or ' : ''}a whole number ${max ? `from ${min} to ${max}` : `>= ${min}`}`);
    }
  }
  if (!Array.isArray(c.newColumns) || c.newColumns.length === 0) {
    bad('newColumns', 'must be a non-empty list of {name, initialValue}');
  } else {
    const seen = new Set<string>();
    c.newColumns.forEach((col, i) => {
      const nc = (col || {}) as Record<string, unknown>;
      const key = `newColumns[${i}]`;
      if (!text(nc.name)) {
        bad(`${key}.name`, 'must be a non-empty string');
        return;
      }
      if (nc.name !== nc.name.trim()) bad(`${key}.name`, 'has leading or trailing spaces');
      const lower = nc.name.trim().toLowerCase();
      if (seen.has(lower)) bad('newColumns', `names "${nc.name}" twice`);
      seen.add(lower);
      if (typeof nc.initialValue !== 'string' && typeof nc.initialValue !== 'number') bad(`${key}.initialValue`, 'must be a string or a number');
    });
  }
  if (!Array.isArray(c.steps) || c.steps.length !== STEP_IDS.length || c.steps.some((id, i) => id !== STEP_IDS[i])) bad('steps', `must be exactly ${JSON.stringify(STEP_IDS)} (the order the coordinator implements)`);
  if (c.backupFolderId !== null && (typeof c.backupFolderId !== 'string' || !c.backupFolderId)) bad('backupFolderId', 'must be null or a Drive folder id');
  if (typeof c.backupNamePattern === 'string' && !c.backupNamePattern.includes('{yyyyMMdd_HHmmss}')) bad('backupNamePattern', 'must contain {yyyyMMdd_HHmmss} so that backups get distinct names');
  if (!LEVELS.includes(c.logLevel as LogLevel)) bad('logLevel', `must be one of ${LEVELS.join(', ')}`);
  if (!Array.isArray(c.allowedUsers) || c.allowedUsers.some((u) => typeof u !== 'string' || !u.includes('@'))) {
    bad('allowedUsers', 'must be a list of email addresses (empty: only the owner may act)');
  }
  return problems;
}

export function parseConfig(raw: unknown): MigrationConfig {
  const problems = validateConfig(raw);
  if (problems.length) throw new Error('Invalid migration config:\n - ' + problems.join('\n - '));
  return raw as MigrationConfig;
}
