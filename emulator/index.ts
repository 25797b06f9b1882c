// The in-memory Apps Script emulator: createEmulator() builds one world (Drive, properties,
// caches, locks, virtual clock) and hands out the globals the bundle runs against.
// See emulator/README.md for what is covered, what is not, and the cost model.
import { CacheStores, makeCacheService } from './cache';
import { makeVirtualDate } from './clock';
import { EmuContext, LogRecord, UiRecorder } from './context';
import { EmuFile, makeDriveApp, MimeType } from './drive/driveApp';
import { DriveStore } from './drive/driveModel';
import { makeHtmlService } from './html';
import { LockTable, makeLockService } from './lock';
import { makeLogging } from './logger';
import { makePropertiesService, PropertyStores } from './properties';
import { Execution, ExecutionOptions, Runtime, Stats } from './runtime';
import { AuthMode, makeScriptApp } from './scriptApp';
import { makeSession } from './session';
import { EmuSpreadsheet } from './spreadsheet/spreadsheet';
import { createSpreadsheetFile, makeSpreadsheetApp } from './spreadsheet/spreadsheetApp';
import { EmuUi } from './ui';
import { makeUtilities } from './utilities';
import { EnumValue } from './strict';

export { createSampleWorkbook } from './sampleWorkbook';
export type { SampleWorkbookOptions } from './sampleWorkbook';
export { COST_MODEL } from './costModel';
export { EMU_ERRORS, SCOPES } from './errors';
export { EmuSpreadsheet } from './spreadsheet/spreadsheet';
export { EmuSheet } from './spreadsheet/sheet';
export { EmuRange } from './spreadsheet/range';
export { EmuProtection, ProtectionType } from './spreadsheet/protection';
export { EmuFile, EmuFolder } from './drive/driveApp';
export { EmuProperties } from './properties';
export { EmuCache } from './cache';
export { EmuLock } from './lock';
export { EmuHtmlOutput, EmuHtmlTemplate } from './html';
export { EmuUi, EmuMenu, Button, ButtonSet } from './ui';
export { EmuTrigger, AuthMode } from './scriptApp';
export { EmuUser } from './user';
export { EnumValue } from './strict';
export { Execution } from './runtime';
export type { ExecutionOptions, ExecutionRecord, Stats } from './runtime';
export type { UiAnswer, UiRecorder, LogRecord } from './context';

export interface EmulatorOptions {
  /** Where createHtmlOutputFromFile finds `${name}.html`. Default 'dist'. */
  htmlDir?: string;
  /** The user of executions that do not name one. Default 'owner@example.com'. */
  user?: string;
  /** Script time zone, also the default spreadsheet time zone. Default 'America/Santiago'. */
  timeZone?: string;
  /** Epoch ms of the virtual clock at start. Default: the real now, read once; tests whose outcome depends on the date pin it. */
  startTime?: number;
  /** Title of createAddonMenu(). Default 'Sheet Migrator'. */
  addonName?: string;
  /** Seed of the PRNG behind ids and UUIDs. */
  seed?: number;
  /** The manifest's oauthScopes: calls needing another scope throw the permission error. Default: every scope granted. */
  oauthScopes?: string[] | null;
}

export interface Emulator {
  /** A fresh object of Apps Script globals for gas-local / vm.createContext. */
  globals(): Record<string, unknown>;
  clock: { now(): number; advance(ms: number): void; set(ms: number): void };
  runExecution<T>(fn: () => T, opts?: ExecutionOptions): T;
  startExecution(opts?: ExecutionOptions): Execution;
  readonly stats: Stats;
  faults: { failMutatingCall(k: number, kind: 'transient' | 'kill', when?: 'before' | 'after'): void; clear(): void };
  setActiveSpreadsheet(id: string): void;
  /** Grants exactly these OAuth scopes from now on (null: every scope), like a manifest's oauthScopes. */
  setOAuthScopes(scopes: string[] | null): void;
  /**
   * From now on Apps Script withholds this address from every other user: their executions read
   * '' from getOwner().getEmail() and Protection.getEditors() for it (an owner outside the
   * domain, a consumer account). Its own user still sees it. `false` shows it again.
   */
  withholdEmail(email: string, withheld?: boolean): void;
  createSpreadsheet(name: string, opts?: { owner?: string | null; rows?: number; columns?: number; locale?: string }): EmuSpreadsheet;
  /** Drive view for tests (trashed files included). */
  getFile(id: string): EmuFile | undefined;
  files(): EmuFile[];
  /** The spreadsheet of a file id (trashed included), for inspection. */
  getSpreadsheet(id: string): EmuSpreadsheet | undefined;
  ui: UiRecorder;
  triggers: unknown[];
  /** Logger.log and console.* output of every execution. */
  logs: LogRecord[];
  /** Who holds a lock scope ('script', 'user:<email>', 'document:<id>'): an execution id, 'outside' or null. */
  lockHolder(scope: string): number | 'outside' | null;
  /** The event object Apps Script passes to onOpen/onInstall. */
  openEvent(authMode?: 'NONE' | 'LIMITED' | 'FULL'): { authMode: EnumValue; source: EmuSpreadsheet | null; user: unknown };
  /** Internal state shared by the services (for emulator tests). */
  readonly context: EmuContext;
}

export type { EmuContext } from "./context";

export function createEmulator(opts: EmulatorOptions = {}): Emulator {
  const rt = new Runtime(opts.user ?? 'owner@example.com', opts.startTime ?? Date.now(), opts.seed);
  rt.declaredScopes = opts.oauthScopes ? opts.oauthScopes.slice() : null;
  const ui: UiRecorder = { answers: [], promptTexts: [], alerts: [], prompts: [], menus: [], sidebars: [], dialogs: [], toasts: [] };
  const ctx: EmuContext = {
    rt,
    drive: new DriveStore(() => rt.random(), () => rt.clock.now()),
    timeZone: opts.timeZone ?? 'America/Santiago',
    htmlDir: opts.htmlDir ?? 'dist',
    addonName: opts.addonName ?? 'Sheet Migrator',
    ui,
    triggers: [],
    logs: [],
    activeSpreadsheetId: null,
  };
  const properties = new PropertyStores();
  const caches = new CacheStores();
  const locks = new LockTable();
  rt.onEnd((exec) => locks.releaseAll(exec));

  const emuUi = new EmuUi(ctx);
  const services = {
    SpreadsheetApp: makeSpreadsheetApp(ctx, emuUi),
    DriveApp: makeDriveApp(ctx),
    PropertiesService: makePropertiesService(ctx, properties),
    CacheService: makeCacheService(ctx, caches),
    LockService: makeLockService(ctx, locks),
    Utilities: makeUtilities(ctx),
    Session: makeSession(ctx),
    HtmlService: makeHtmlService(ctx),
    ScriptApp: makeScriptApp(ctx),
    MimeType,
  };
  const { Logger, console } = makeLogging(ctx);
  const VirtualDate = makeVirtualDate(() => rt.clock.now());

  const emu: Emulator = {
    globals() {
      const g: Record<string, unknown> = { ...services, Logger, console: { ...console }, Date: VirtualDate };
      rt.registerGlobals(g);
      return g;
    },
    clock: { now: () => rt.clock.now(), advance: (ms) => rt.clock.advance(ms), set: (ms) => rt.clock.set(ms) },
    runExecution: (fn, o) => rt.runExecution(fn, o),
    startExecution: (o) => rt.startExecution(o),
    get stats() { return rt.stats; },
    faults: {
      failMutatingCall: (k, kind, when = 'before') => rt.armFault(k, kind, when),
      clear: () => rt.clearFaults(),
    },
    setOAuthScopes(scopes) {
      rt.declaredScopes = scopes ? scopes.slice() : null;
    },
    withholdEmail(email, withheld = true) {
      if (withheld) rt.withheldEmails.add(email.toLowerCase());
      else rt.withheldEmails.delete(email.toLowerCase());
    },
    setActiveSpreadsheet(id) {
      if (!ctx.drive.files.get(id)?.spreadsheet) throw new Error(`emulator: no spreadsheet with id ${id}`);
      ctx.activeSpreadsheetId = id;
    },
    createSpreadsheet: (name, o = {}) => createSpreadsheetFile(ctx, name, o.owner === undefined ? rt.defaultUser : o.owner, o.rows, o.columns, o.locale),
    getFile: (id) => {
      const rec = ctx.drive.files.get(id);
      return rec ? new EmuFile(ctx, rec) : undefined;
    },
    files: () => [...ctx.drive.files.values()].map((rec) => new EmuFile(ctx, rec)),
    getSpreadsheet: (id) => {
      const rec = ctx.drive.files.get(id);
      return rec?.spreadsheet ? new EmuSpreadsheet(ctx, rec) : undefined;
    },
    ui,
    triggers: ctx.triggers,
    logs: ctx.logs,
    lockHolder: (scope) => locks.holder(scope),
    openEvent(authMode = 'LIMITED') {
      const id = ctx.activeSpreadsheetId;
      const source = authMode !== 'NONE' && id ? new EmuSpreadsheet(ctx, ctx.drive.files.get(id)!) : null;
      return { authMode: AuthMode[authMode], source, user: undefined };
    },
    context: ctx,
  };
  return emu;
}
