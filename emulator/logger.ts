// Logger and console: captured in emu.logs (printed too when EMU_VERBOSE is set). Logging is a
// service call like any other, so it counts and costs (Stackdriver writes are not free).
import { format } from 'util';
import { EmuContext, LogRecord } from './context';
import { COST_MODEL } from './costModel';
import { strictObject } from './strict';
import { javaFormat } from './utilities';

export function makeLogging(ctx: EmuContext) {
  const rt = ctx.rt;
  let loggerText = '';
  const record = (level: LogRecord['level'], message: string): void => {
    ctx.logs.push({ level, message, at: rt.clock.now() });
    if (process.env.EMU_VERBOSE) process.stdout.write(`[emu ${level}] ${message}\n`);
  };
  const consoleMethod = (level: Exclude<LogRecord['level'], 'Logger'>) => (...args: unknown[]) =>
    rt.call(`console.${level}`, { cost: COST_MODEL.logMs }, () => record(level, format(...args)));

  const Logger = strictObject('Logger', {
    log: (data: unknown, ...values: unknown[]) => rt.call('Logger.log', { cost: COST_MODEL.logMs }, () => {
      const message = values.length > 0 ? javaFormat(String(data), values) : typeof data === 'object' && data !== null ? JSON.stringify(data) : String(data);
      loggerText += message + '\n';
      record('Logger', message);
      return Logger;
    }),
    getLog: () => rt.call('Logger.getLog', { cost: COST_MODEL.logMs }, () => loggerText),
    clear: () => rt.call('Logger.clear', { cost: COST_MODEL.logMs }, () => { loggerText = ''; }),
  });

  const console = {
    log: consoleMethod('log'),
    info: consoleMethod('info'),
    warn: consoleMethod('warn'),
    error: consoleMethod('error'),
    debug: consoleMethod('debug'),
    time: (_label?: string) => undefined,
    timeEnd: (_label?: string) => undefined,
  };
  return { Logger, console };
}
