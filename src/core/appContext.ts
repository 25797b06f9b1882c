// What the core works with in one execution: the environment, the validated plan, the state
// store and the log. src/api/context.ts builds it from the Apps Script globals.
import { MigrationConfig } from './config';
import { Env } from './gas';
import { StateStore } from './state';
import { MigrationLog } from './log';

export interface AppContext {
  env: Env;
  config: MigrationConfig;
  store: StateStore;
  log: MigrationLog;
}
