// Entry of dist/Code.js. Every function exported here becomes a top-level Apps Script
// function through the footer that build.js writes (triggers, menu items, google.script.run).
export * from './api/ui';
export * from './api/migration';
export * from './api/verifyRollback';
export * from './api/calibrate';
