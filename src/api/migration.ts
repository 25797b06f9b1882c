// Contract: getMigrationStatus, runMigrationStep, runMigration, startOver, getMigrationLog.
// (Being implemented: see issue 3.)
import { RunOptions } from '../core/types';

export function getMigrationStatus(): never {
  throw new Error('getMigrationStatus: not implemented yet');
}
export function runMigrationStep(_options?: RunOptions): never {
  throw new Error('runMigrationStep: not implemented yet');
}
export function runMigration(_options?: RunOptions): never {
  throw new Error('runMigration: not implemented yet');
}
export function startOver(): never {
  throw new Error('startOver: not implemented yet');
}
export function getMigrationLog(_options?: unknown): never {
  throw new Error('getMigrationLog: not implemented yet');
}
