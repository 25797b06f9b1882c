// Contract: verifyMigration, rollbackMigration. (Being implemented: see issue 4.)
export function verifyMigration(): never {
  throw new Error('verifyMigration: not implemented yet');
}
export function rollbackMigration(_options?: { confirm?: boolean }): never {
  throw new Error('rollbackMigration: not implemented yet');
}
