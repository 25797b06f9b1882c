// Entry of dist/Code.js. Every function exported here becomes a top-level Apps Script
// function through the footer that build.js writes (triggers, menu items, google.script.run).
export { onOpen, onInstall, showSidebar } from './api/ui';
export { getMigrationStatus, runMigrationStep, runMigration, startOver, getMigrationLog } from './api/migration';
export { verifyMigration, rollbackMigration } from './api/verifyRollback';
