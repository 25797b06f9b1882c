import * as vm from 'vm';
import { COST_MODEL, createEmulator, createSampleWorkbook, EMU_ERRORS } from '../../emulator';
import { setup, thrown } from './helpers';

describe('globals and the virtual clock', () => {
  test('globals() is a fresh object with every service and a virtual-clock Date', () => {
    const emu = createEmulator({ startTime: Date.UTC(2026, 10, 25, 12) });
    const a = emu.globals();
    const b = emu.globals();
    expect(a).not.toBe(b);
    for (const k of ['SpreadsheetApp', 'DriveApp', 'PropertiesService', 'LockService', 'CacheService', 'Utilities', 'Session', 'HtmlService', 'ScriptApp', 'Logger', 'console', 'Date']) {
      expect(a[k]).toBeDefined();
    }
    const ctx = vm.createContext(a);
    expect(vm.runInContext('new Date().toISOString()', ctx)).toBe('2026-11-25T12:00:00.000Z');
    expect(vm.runInContext('Date.now()', ctx)).toBe(Date.UTC(2026, 10, 25, 12));
    expect(vm.runInContext('new Date(0).getTime()', ctx)).toBe(0);
    expect(vm.runInContext('new Date() instanceof Date && typeof Date() === "string"', ctx)).toBe(true);
    emu.clock.advance(1500);
    expect(vm.runInContext('Date.now()', ctx)).toBe(Date.UTC(2026, 10, 25, 12) + 1500);
  });

  test('the clock starts at the real now unless pinned', () => {
    const before = Date.now();
    const t = createEmulator().clock.now();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
    expect(createEmulator({ startTime: 12345 }).clock.now()).toBe(12345);
  });

  test('errors thrown into the bundle realm are instances of its Error, named Exception', () => {
    const { emu } = setup();
    const g = emu.globals();
    const ctx = vm.createContext(g);
    const out = emu.runExecution(() => vm.runInContext(`
      try { SpreadsheetApp.openById('nope'); 'no throw' }
      catch (e) { [e instanceof Error, e.name, e.message, String(e)].join('|') }`, ctx));
    expect(out).toBe(`true|Exception|${EMU_ERRORS.openByIdFailed}|Exception: ${EMU_ERRORS.openByIdFailed}`);
  });

  test('two interleaved executions with their own bundle load each get errors of their own realm', () => {
    const { emu } = setup();
    const probe = `try { DriveApp.getFileById('nope'); } catch (e) { e instanceof Error }`;
    const a = emu.startExecution();
    const b = emu.startExecution();
    const ctxA = a.run(() => vm.createContext(emu.globals()));
    const ctxB = b.run(() => vm.createContext(emu.globals()));
    expect(a.run(() => vm.runInContext(probe, ctxA))).toBe(true);
    expect(b.run(() => vm.runInContext(probe, ctxB))).toBe(true);
    a.end();
    b.end();
  });

  test('unemulated members throw "not emulated", never read as undefined', () => {
    const { ss } = setup();
    const sheet = ss.getSheets()[0] as unknown as Record<string, unknown>;
    expect(thrown(() => sheet.getCharts)).toBe('not emulated: Sheet.getCharts');
    const g = createEmulator().globals() as Record<string, Record<string, unknown>>;
    expect(thrown(() => g.SpreadsheetApp.newRichTextValue)).toBe('not emulated: SpreadsheetApp.newRichTextValue');
    expect(thrown(() => (ss.getSheets()[0].getRange('A1') as unknown as Record<string, unknown>).setBorder)).toBe('not emulated: Range.setBorder');
  });
});

describe('executions, stats and the cost model', () => {
  test('each call is counted by Class.method and advances the clock by its modelled cost', () => {
    const { emu, ss } = setup();
    const t0 = emu.clock.now();
    emu.runExecution(() => {
      const sheet = ss.getSheetByName('Sheet1')!;
      sheet.getRange(1, 1, 10, 10).setValues(Array.from({ length: 10 }, () => new Array(10).fill(1)));
      sheet.getLastRow();
    });
    expect(emu.stats.calls).toEqual({ 'Spreadsheet.getSheetByName': 1, 'Sheet.getRange': 1, 'Range.setValues': 1, 'Sheet.getLastRow': 1 });
    expect(emu.stats.mutatingCalls).toBe(1);
    const expected = COST_MODEL.sheetRoundTripMs + COST_MODEL.getRangeMs + (COST_MODEL.writeBaseMs + 100 * COST_MODEL.writePerCellMs)
      + (COST_MODEL.sheetMetadataBaseMs + 1000 * 26 * COST_MODEL.sheetMetadataPerCellMs);
    expect(emu.clock.now() - t0).toBeCloseTo(expected, 2);
    expect(emu.stats.modelledMs).toBeCloseTo(expected, 2);
    expect(emu.stats.executions).toEqual([{ modelledMs: expect.any(Number), calls: 4, ok: true }]);
    emu.stats.reset();
    expect(emu.stats.calls).toEqual({});
  });

  test('calls outside an execution (test setup) are free and uncounted', () => {
    const { emu, ss } = setup();
    const t0 = emu.clock.now();
    ss.getSheets()[0].getRange('A1').setValue(1);
    expect(emu.clock.now()).toBe(t0);
    expect(emu.stats.calls).toEqual({});
  });

  test('getLastRow in a loop is visibly expensive on a big sheet', () => {
    const emu = createEmulator();
    createSampleWorkbook(emu, { rows: 20000 });
    const ms = emu.runExecution(() => {
      const g = emu.globals() as any;
      const sheet = g.SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Operaciones');
      const t = g.Date.now();
      for (let i = 0; i < 100; i++) sheet.getLastRow();
      return g.Date.now() - t;
    });
    expect(ms).toBeGreaterThan(100 * COST_MODEL.sheetMetadataBaseMs);
  });

  test('an execution past its limit throws "Exceeded maximum execution time" from its next call, and stays dead', () => {
    const { emu, ss } = setup();
    const g = emu.globals() as any;
    let finallyError = '';
    const err = thrown(() => emu.runExecution(() => {
      try {
        for (;;) g.Utilities.sleep(60_000);
      } finally {
        try { ss.getSheets(); } catch (e) { finallyError = (e as Error).message; }
      }
    }, { limitSeconds: 360 }));
    expect(err).toBe('Exceeded maximum execution time');
    expect(finallyError).toBe(EMU_ERRORS.exceededTime);
    const rec = emu.stats.executions[0];
    expect(rec.ok).toBe(false);
    expect(rec.error).toBe('Exceeded maximum execution time');
    expect(rec.modelledMs).toBeGreaterThan(360_000);
  });

  test('a killed execution that swallows the error still fails, and releases its locks', () => {
    const { emu } = setup();
    const g = emu.globals() as any;
    emu.faults.failMutatingCall(1, 'kill');
    const err = thrown(() => emu.runExecution(() => {
      g.LockService.getDocumentLock().waitLock(1000);
      try { g.PropertiesService.getDocumentProperties().setProperty('k', 'v'); } catch (e) { /* swallowed */ }
      return 'finished';
    }));
    expect(err).toBe(EMU_ERRORS.exceededTime);
    expect(emu.runExecution(() => g.PropertiesService.getDocumentProperties().getProperty('k'))).toBeNull();
    expect(emu.lockHolder(`document:${emu.context.activeSpreadsheetId}`)).toBeNull();
  });
});

describe('fault injection', () => {
  test('transient before: the k-th mutating call throws the Sheets text and is not applied', () => {
    const { emu, ss } = setup();
    const sheet = ss.getSheets()[0];
    emu.faults.failMutatingCall(2, 'transient');
    emu.runExecution(() => sheet.getRange('A1').setValue('one'));
    const err = thrown(() => emu.runExecution(() => {
      sheet.getRange('A1').getValue();
      sheet.getRange('A2').setValue('two');
    }));
    expect(err).toBe(`Service Spreadsheets timed out while accessing document with id ${ss.getId()}.`);
    expect(sheet.getRange('A2').getValue()).toBe('');
    emu.runExecution(() => sheet.getRange('A2').setValue('two'));
    expect(sheet.getRange('A2').getValue()).toBe('two');
  });

  test('transient after: applied, then throws; other services get fitting texts', () => {
    const { emu, ss } = setup();
    const g = emu.globals() as any;
    emu.faults.failMutatingCall(1, 'transient', 'after');
    expect(thrown(() => emu.runExecution(() => ss.getSheets()[0].getRange('A1').setValue('x')))).toMatch(/^Service Spreadsheets timed out/);
    expect(ss.getSheets()[0].getRange('A1').getValue()).toBe('x');
    emu.faults.failMutatingCall(1, 'transient');
    expect(thrown(() => emu.runExecution(() => g.PropertiesService.getScriptProperties().setProperty('a', 'b')))).toBe(EMU_ERRORS.serverError);
    emu.faults.failMutatingCall(1, 'transient');
    expect(thrown(() => emu.runExecution(() => g.DriveApp.getFileById(ss.getId()).setTrashed(true)))).toBe(EMU_ERRORS.driveTimedOut(ss.getId()));
    expect(emu.getFile(ss.getId())!.isTrashed()).toBe(false);
  });

  test('kill after: the call is applied, then the execution is dead; faults.clear disarms', () => {
    const { emu, ss } = setup();
    const sheet = ss.getSheets()[0];
    emu.faults.failMutatingCall(1, 'kill', 'after');
    expect(thrown(() => emu.runExecution(() => { sheet.getRange('A1').setValue(1); sheet.getRange('A2').setValue(2); }))).toBe(EMU_ERRORS.exceededTime);
    expect(sheet.getRange('A1:A2').getValues()).toEqual([[1], ['']]);
    emu.faults.failMutatingCall(1, 'kill');
    emu.faults.clear();
    emu.runExecution(() => sheet.getRange('A3').setValue(3));
    expect(sheet.getRange('A3').getValue()).toBe(3);
  });
});

describe('authorisation modes', () => {
  test('AuthMode.NONE: menus are allowed, data services throw Apps Script permission errors', () => {
    const { emu } = setup();
    const g = emu.globals() as any;
    const none = { authMode: 'NONE' as const };
    emu.runExecution(() => g.SpreadsheetApp.getUi().createAddonMenu().addItem('Abrir', 'showSidebar').addToUi(), none);
    expect(emu.ui.menus).toEqual([{ title: 'Sheet Migrator', items: [{ caption: 'Abrir', functionName: 'showSidebar' }] }]);
    expect(thrown(() => emu.runExecution(() => g.SpreadsheetApp.getActiveSpreadsheet(), none))).toBe(
      'You do not have permission to call SpreadsheetApp.getActiveSpreadsheet. Required permissions: (https://www.googleapis.com/auth/spreadsheets.currentonly || https://www.googleapis.com/auth/spreadsheets)');
    expect(thrown(() => emu.runExecution(() => g.PropertiesService.getDocumentProperties(), none))).toBe('You do not have permission to call PropertiesService.getDocumentProperties.');
    expect(thrown(() => emu.runExecution(() => g.DriveApp.getRootFolder(), none))).toMatch(/^You do not have permission to call DriveApp.getRootFolder/);
    expect(thrown(() => emu.runExecution(() => g.LockService.getDocumentLock(), none))).toMatch(/^You do not have permission/);
    expect(thrown(() => emu.runExecution(() => g.CacheService.getDocumentCache(), none))).toMatch(/^You do not have permission/);
    expect(thrown(() => emu.runExecution(() => g.Session.getActiveUser(), none))).toMatch(/^You do not have permission/);
  });

  test('AuthMode.LIMITED: the bound document is reachable, other files are not', () => {
    const { emu, ss } = setup();
    const g = emu.globals() as any;
    const limited = { authMode: 'LIMITED' as const };
    expect(emu.runExecution(() => g.SpreadsheetApp.getActiveSpreadsheet().getId(), limited)).toBe(ss.getId());
    expect(thrown(() => emu.runExecution(() => g.SpreadsheetApp.openById(ss.getId()), limited))).toMatch(/^You do not have permission to call SpreadsheetApp.openById/);
    expect(thrown(() => emu.runExecution(() => ss.copy('x'), limited))).toMatch(/^You do not have permission to call Spreadsheet.copy/);
  });
});
