// Session: who runs the execution, and the script's time zone.
import * as crypto from 'crypto';
import { EmuContext } from './context';
import { COST_MODEL } from './costModel';
import { SCOPES } from './errors';
import { strictObject } from './strict';
import { EmuUser } from './user';

export function makeSession(ctx: EmuContext) {
  const rt = ctx.rt;
  const call = <T>(method: string, fn: () => T, auth?: 'LIMITED' | 'FULL'): T =>
    rt.call(`Session.${method}`, { cost: COST_MODEL.sessionMs, ...(auth ? { auth: { mode: auth, scopes: SCOPES.email } } : {}) }, fn);
  return strictObject('Session', {
    /** '' when the execution runs with hideActiveUser (Apps Script withholds it across domains). */
    getActiveUser: () => call('getActiveUser', () => new EmuUser(rt.current?.hideActiveUser ? '' : rt.user), 'LIMITED'),
    getEffectiveUser: () => call('getEffectiveUser', () => new EmuUser(rt.user), 'LIMITED'),
    getScriptTimeZone: () => call('getScriptTimeZone', () => ctx.timeZone),
    getActiveUserLocale: () => call('getActiveUserLocale', () => 'es'),
    /** Stable per user and script, opaque (a hash, not the email). */
    getTemporaryActiveUserKey: () => call('getTemporaryActiveUserKey', () => crypto.createHash('sha256').update(`emu:${rt.user}`).digest('base64').slice(0, 43)),
  });
}
