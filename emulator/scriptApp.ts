// ScriptApp: the AuthMode enum and installable triggers, recorded in emu.triggers.
import { EmuContext } from './context';
import { COST_MODEL } from './costModel';
import { EMU_ERRORS, SCOPES } from './errors';
import { CallSpec } from './runtime';
import { EnumValue, makeEnum, strictBase, strictObject } from './strict';

export const AuthMode = makeEnum('AuthMode', ['NONE', 'CUSTOM_FUNCTION', 'LIMITED', 'FULL'] as const);
export const TriggerSource = makeEnum('TriggerSource', ['SPREADSHEETS', 'CLOCK', 'FORMS', 'DOCUMENTS', 'CALENDAR'] as const);
export const EventType = makeEnum('EventType', ['CLOCK', 'ON_OPEN', 'ON_EDIT', 'ON_FORM_SUBMIT', 'ON_CHANGE', 'ON_EVENT_UPDATED'] as const);
export const AuthorizationStatus = makeEnum('AuthorizationStatus', ['REQUIRED', 'NOT_REQUIRED'] as const);

/** Installable triggers per user per script (quotas page). */
export const MAX_TRIGGERS = 20;
const AUTH: CallSpec['auth'] = { mode: 'FULL', scopes: SCOPES.scriptApp };

export interface TriggerSpec {
  handler: string;
  eventType: EnumValue;
  source: EnumValue;
  sourceId?: string;
  /** Clock triggers: when it first fires (virtual ms) and its period in ms. */
  at?: number;
  everyMs?: number;
}

export class EmuTrigger extends strictBase('Trigger') {
  constructor(private readonly ctx: EmuContext, readonly uid: string, readonly user: string, readonly spec: TriggerSpec) { super(); }
  private call<T>(method: string, fn: () => T): T { return this.ctx.rt.call(`Trigger.${method}`, { cost: COST_MODEL.localCallMs }, fn); }
  getUniqueId(): string { return this.call('getUniqueId', () => this.uid); }
  getHandlerFunction(): string { return this.call('getHandlerFunction', () => this.spec.handler); }
  getEventType(): EnumValue { return this.call('getEventType', () => this.spec.eventType); }
  getTriggerSource(): EnumValue { return this.call('getTriggerSource', () => this.spec.source); }
  getTriggerSourceId(): string | null { return this.call('getTriggerSourceId', () => this.spec.sourceId ?? null); }
}

class ClockTriggerBuilder extends strictBase('ClockTriggerBuilder') {
  constructor(private readonly create1: (s: TriggerSpec) => EmuTrigger, private readonly ctx: EmuContext, private readonly spec: TriggerSpec) { super(); }
  private set(method: string, fn: () => void): ClockTriggerBuilder { return this.ctx.rt.call(`ClockTriggerBuilder.${method}`, { cost: COST_MODEL.localCallMs }, () => { fn(); return this; }); }
  after(durationMilliseconds: number): ClockTriggerBuilder { return this.set('after', () => { this.spec.at = this.ctx.rt.clock.now() + Number(durationMilliseconds); }); }
  at(date: Date): ClockTriggerBuilder { return this.set('at', () => { this.spec.at = Date.prototype.getTime.call(date); }); }
  everyMinutes(n: number): ClockTriggerBuilder { return this.set('everyMinutes', () => { this.spec.everyMs = n * 60_000; }); }
  everyHours(n: number): ClockTriggerBuilder { return this.set('everyHours', () => { this.spec.everyMs = n * 3_600_000; }); }
  everyDays(n: number): ClockTriggerBuilder { return this.set('everyDays', () => { this.spec.everyMs = n * 86_400_000; }); }
  atHour(_hour: number): ClockTriggerBuilder { return this.set('atHour', () => undefined); }
  nearMinute(_minute: number): ClockTriggerBuilder { return this.set('nearMinute', () => undefined); }
  inTimezone(_tz: string): ClockTriggerBuilder { return this.set('inTimezone', () => undefined); }
  create(): EmuTrigger { return this.create1(this.spec); }
}

class SpreadsheetTriggerBuilder extends strictBase('SpreadsheetTriggerBuilder') {
  constructor(private readonly create1: (s: TriggerSpec) => EmuTrigger, private readonly ctx: EmuContext, private readonly spec: TriggerSpec) { super(); }
  private on(method: string, type: EnumValue): SpreadsheetTriggerBuilder {
    return this.ctx.rt.call(`SpreadsheetTriggerBuilder.${method}`, { cost: COST_MODEL.localCallMs }, () => { this.spec.eventType = type; return this; });
  }
  onOpen(): SpreadsheetTriggerBuilder { return this.on('onOpen', EventType.ON_OPEN); }
  onEdit(): SpreadsheetTriggerBuilder { return this.on('onEdit', EventType.ON_EDIT); }
  onChange(): SpreadsheetTriggerBuilder { return this.on('onChange', EventType.ON_CHANGE); }
  onFormSubmit(): SpreadsheetTriggerBuilder { return this.on('onFormSubmit', EventType.ON_FORM_SUBMIT); }
  create(): EmuTrigger { return this.create1(this.spec); }
}

class TriggerBuilder extends strictBase('TriggerBuilder') {
  constructor(private readonly create1: (s: TriggerSpec) => EmuTrigger, private readonly ctx: EmuContext, private readonly handler: string) { super(); }
  timeBased(): ClockTriggerBuilder {
    return this.ctx.rt.call('TriggerBuilder.timeBased', { cost: COST_MODEL.localCallMs }, () =>
      new ClockTriggerBuilder(this.create1, this.ctx, { handler: this.handler, eventType: EventType.CLOCK, source: TriggerSource.CLOCK }));
  }
  forSpreadsheet(sheet: string | { getId(): string }): SpreadsheetTriggerBuilder {
    return this.ctx.rt.call('TriggerBuilder.forSpreadsheet', { cost: COST_MODEL.localCallMs }, () =>
      new SpreadsheetTriggerBuilder(this.create1, this.ctx, { handler: this.handler, eventType: EventType.ON_OPEN, source: TriggerSource.SPREADSHEETS, sourceId: typeof sheet === 'string' ? sheet : sheet.getId() }));
  }
}

export function makeScriptApp(ctx: EmuContext) {
  const rt = ctx.rt;
  const triggers = ctx.triggers as EmuTrigger[];
  let seq = 0;
  const mine = () => triggers.filter((t) => t.user === rt.user);
  const create1 = (spec: TriggerSpec): EmuTrigger =>
    rt.call('TriggerBuilder.create', { cost: COST_MODEL.triggerMs, auth: AUTH }, () => {
      if (mine().length >= MAX_TRIGGERS) throw rt.error(EMU_ERRORS.tooManyTriggers);
      const t = new EmuTrigger(ctx, String(9_000_000 + ++seq), rt.user, { ...spec });
      triggers.push(t);
      return t;
    });
  return strictObject('ScriptApp', {
    AuthMode,
    TriggerSource,
    EventType,
    AuthorizationStatus,
    newTrigger: (functionName: string) => rt.call('ScriptApp.newTrigger', { cost: COST_MODEL.localCallMs, auth: AUTH }, () => new TriggerBuilder(create1, ctx, String(functionName))),
    getProjectTriggers: () => rt.call('ScriptApp.getProjectTriggers', { cost: COST_MODEL.triggerMs, auth: AUTH }, () => mine()),
    getUserTriggers: (_doc: unknown) => rt.call('ScriptApp.getUserTriggers', { cost: COST_MODEL.triggerMs, auth: AUTH }, () => mine()),
    deleteTrigger: (trigger: EmuTrigger) => rt.call('ScriptApp.deleteTrigger', { cost: COST_MODEL.triggerMs, auth: AUTH }, () => {
      const i = triggers.findIndex((t) => t.uid === trigger.uid);
      if (i >= 0) triggers.splice(i, 1);
    }),
    getOAuthToken: () => rt.call('ScriptApp.getOAuthToken', { cost: COST_MODEL.localCallMs, auth: { mode: 'FULL' } }, () => `ya29.emulated-token-for-${rt.user}`),
    getScriptId: () => rt.call('ScriptApp.getScriptId', { cost: COST_MODEL.localCallMs }, () => '1EmulatedScriptId0000000000000000000000000000000000000'),
  });
}
