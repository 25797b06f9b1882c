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

/** Returns every problem found; an empty list means the config is usable. */
export function validateConfig(raw: unknown): string[] {
  const problems: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return ['the config must be a JSON object'];
  const c = raw as Record<string, unknown>;
  const isInt = (v: unknown, min: number) => typeof v === 'number' && Number.isInteger(v) && v >= min;
  const str = (k: string) => {
    if (typeof c[k] !== 'string' || (c[k] as string).trim() === '') problems.push(`"${k}" must be a non-empty string`);
  };
  str('fromVersion');
  str('toVersion');
  str('targetSheet');
  str('backupNamePattern');
  if (!isInt(c.headerRow, 1)) problems.push('"headerRow" must be a whole number >= 1');
  if (!Array.isArray(c.newColumns) || c.newColumns.length === 0) {
    problems.push('"newColumns" must be a non-empty list of {name, initialValue}');
  } else {
    const seen = new Set<string>();
    c.newColumns.forEach((col, i) => {
      const nc = col as Record<string, unknown>;
      if (typeof nc !== 'object' || nc === null || typeof nc.name !== 'string' || nc.name.trim() === '') {
        problems.push(`"newColumns[${i}].name" must be a non-empty string`);
        return;
      }
      if (nc.name !== nc.name.trim()) problems.push(`"newColumns[${i}].name" has leading or trailing spaces`);
      const key = nc.name.trim().toLowerCase();
      if (seen.has(key)) problems.push(`"newColumns" names "${nc.name}" twice`);
      seen.add(key);
      if (typeof nc.initialValue !== 'string' && typeof nc.initialValue !== 'number') {
        problems.push(`"newColumns[${i}].initialValue" must be a string or a number`);
      }
    });
  }
  if (c.expectedColumnCountBefore !== null && !isInt(c.expectedColumnCountBefore, 1)) {
    problems.push('"expectedColumnCountBefore" must be null or a whole number >= 1');
  }
  if (!Array.isArray(c.steps) || c.steps.length !== STEP_IDS.length || c.steps.some((s, i) => s !== STEP_IDS[i])) {
    problems.push(`"steps" must be exactly ${JSON.stringify(STEP_IDS)} (the order the coordinator implements)`);
  }
  if (c.backupFolderId !== null && (typeof c.backupFolderId !== 'string' || c.backupFolderId === '')) {
    problems.push('"backupFolderId" must be null or a Drive folder id');
  }
  if (typeof c.backupNamePattern === 'string' && !c.backupNamePattern.includes('{yyyyMMdd_HHmmss}')) {
    problems.push('"backupNamePattern" must contain {yyyyMMdd_HHmmss} so that backups get distinct names');
  }
  if (!isInt(c.rollbackWindowDays, 1)) problems.push('"rollbackWindowDays" must be a whole number >= 1');
  if (typeof c.dryRun !== 'boolean') problems.push('"dryRun" must be true or false');
  if (!LEVELS.includes(c.logLevel as LogLevel)) problems.push(`"logLevel" must be one of ${LEVELS.join(', ')}`);
  if (!isInt(c.smokeSampleSize, 1)) problems.push('"smokeSampleSize" must be a whole number >= 1');
  if (!isInt(c.timeBudgetSeconds, 5) || (c.timeBudgetSeconds as number) > 300) {
    problems.push('"timeBudgetSeconds" must be a whole number from 5 to 300 (Apps Script stops executions at 360 s)');
  }
  if (!isInt(c.chunkRows, 1)) problems.push('"chunkRows" must be a whole number >= 1');
  if (c.chunkCells !== undefined && !isInt(c.chunkCells, 1000)) problems.push('"chunkCells" must be a whole number >= 1000 (cells per Spreadsheet call)');
  if (!isInt(c.leaseSeconds, 10)) problems.push('"leaseSeconds" must be a whole number >= 10');
  if (typeof c.protectDuringMigration !== 'boolean') problems.push('"protectDuringMigration" must be true or false');
  if (!Array.isArray(c.allowedUsers) || c.allowedUsers.some((u) => typeof u !== 'string' || !u.includes('@'))) {
    problems.push('"allowedUsers" must be a list of email addresses (may be empty: then only the owner may act)');
  }
  return problems;
}

export function parseConfig(raw: unknown): MigrationConfig {
  const problems = validateConfig(raw);
  if (problems.length) throw new Error('Invalid migration config:\n - ' + problems.join('\n - '));
  return raw as MigrationConfig;
}
