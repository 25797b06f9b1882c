// What every contract function starts from: the environment, the validated plan, the state
// store and the log. Built once per execution.
import rawConfig from '../migration.config.json';
import { parseConfig, MigrationConfig } from '../core/config';
import { Env } from '../core/gas';
import { StateStore } from '../core/state';
import { MigrationLog } from '../core/log';
import { appsScriptEnv } from '../adapters/env';
import { AppContext } from '../core/appContext';

export type { AppContext };

const CONFIG: MigrationConfig = parseConfig(rawConfig);

export function getConfig(): MigrationConfig {
  return CONFIG;
}

export function createContext(env: Env = appsScriptEnv()): AppContext {
  const props = env.documentProperties();
  return {
    env,
    config: CONFIG,
    store: new StateStore(props),
    log: new MigrationLog(env, props, CONFIG.logLevel),
  };
}
