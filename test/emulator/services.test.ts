// Utilities, Session, ScriptApp, Logger/console, HtmlService and Ui.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Button, COST_MODEL, createEmulator, EMU_ERRORS, ProtectionType } from '../../emulator';
import { setup, thrown } from './helpers';

const G = (emu: ReturnType<typeof createEmulator>) => emu.globals() as any;

describe('Utilities', () => {
  test('computeDigest returns Java signed bytes, with charset', () => {
    const emu = createEmulator();
    const U = G(emu).Utilities;
    const bytes: number[] = U.computeDigest(U.DigestAlgorithm.SHA_256, 'Ñuñoa', U.Charset.UTF_8);
    const expected = [...crypto.createHash('sha256').update('Ñuñoa', 'utf8').digest()].map((b) => (b > 127 ? b - 256 : b));
    expect(bytes).toEqual(expected);
    expect(bytes.some((b) => b < 0)).toBe(true);
    expect(bytes.every((b) => b >= -128 && b <= 127)).toBe(true);
    expect(U.computeDigest(U.DigestAlgorithm.MD5, 'abc')).toHaveLength(16);
    const ascii = U.computeDigest(U.DigestAlgorithm.SHA_1, 'ñ', U.Charset.US_ASCII);
    expect(ascii).toEqual(U.computeDigest(U.DigestAlgorithm.SHA_1, '?', U.Charset.US_ASCII));
  });

  test('formatDate speaks SimpleDateFormat in any zone, DST included', () => {
    const emu = createEmulator();
    const U = G(emu).Utilities;
    const d = new Date(Date.UTC(2026, 0, 15, 3, 4, 5, 67));
    expect(U.formatDate(d, 'America/Santiago', "yyyy-MM-dd'T'HH:mm:ss.SSSXXX")).toBe('2026-01-15T00:04:05.067-03:00');
    expect(U.formatDate(d, 'UTC', 'yyyy-MM-dd HH:mm:ss Z')).toBe('2026-01-15 03:04:05 +0000');
    expect(U.formatDate(d, 'UTC', "XXX 'de' MMMM")).toBe('Z de January');
    expect(U.formatDate(new Date(Date.UTC(2026, 6, 15, 12)), 'America/Santiago', 'HH:mm XXX')).toBe('08:00 -04:00');
    const foreign = require('vm').runInNewContext('new Date(0)');
    expect(U.formatDate(foreign, 'GMT', 'yyyy')).toBe('1970');
  });

  test('sleep advances the virtual clock and counts toward the execution', () => {
    const emu = createEmulator();
    const U = G(emu).Utilities;
    const t0 = emu.clock.now();
    emu.runExecution(() => U.sleep(2500));
    expect(emu.clock.now() - t0).toBe(2500);
    expect(emu.stats.executions[0].modelledMs).toBe(2500);
  });

  test('getUuid is a v4 UUID, deterministic per seed; base64 round-trips signed bytes; formatString', () => {
    const a = G(createEmulator({ seed: 7 })).Utilities;
    const b = G(createEmulator({ seed: 7 })).Utilities;
    const u = a.getUuid();
    expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.getUuid()).toBe(u);
    expect(a.getUuid()).not.toBe(u);
    expect(a.base64Encode('Ñ')).toBe(Buffer.from('Ñ').toString('base64'));
    expect(a.base64Decode(a.base64Encode('Ñ'))).toEqual([-61, -111]);
    expect(a.newBlob('hola').getBytes()).toEqual([104, 111, 108, 97]);
    expect(a.formatString('%s tiene %d filas (%.1f%%)', 'Operaciones', 2500, 12.34)).toBe('Operaciones tiene 2500 filas (12.3%)');
  });
});

describe('Session and ScriptApp', () => {
  test('active and effective user are the execution user; time zone; temporary key is opaque', () => {
    const emu = createEmulator({ timeZone: 'America/Santiago' });
    const S = G(emu).Session;
    expect(emu.runExecution(() => S.getActiveUser().getEmail(), { user: 'ana@example.com' })).toBe('ana@example.com');
    expect(emu.runExecution(() => S.getEffectiveUser().getEmail(), { user: 'ana@example.com' })).toBe('ana@example.com');
    expect(emu.runExecution(() => S.getActiveUser().getEmail(), { user: 'ana@example.com', hideActiveUser: true })).toBe('');
    expect(S.getScriptTimeZone()).toBe('America/Santiago');
    const key = emu.runExecution(() => S.getTemporaryActiveUserKey(), { user: 'ana@example.com' });
    expect(key).not.toContain('ana');
    expect(emu.runExecution(() => S.getTemporaryActiveUserKey(), { user: 'ana@example.com' })).toBe(key);
  });

  test('a withheld address reads "" to every other user (owners, protection editors), never to its own user; a shared-drive file has no owner', () => {
    const emu = createEmulator();
    const ss = emu.createSpreadsheet('Book', { owner: 'dueno@gmail.example' });
    const shared = emu.createSpreadsheet('Shared', { owner: null });
    const file = emu.getFile(ss.getId())!;
    const sheet = ss.getSheets()[0];
    const editors = () => emu.runExecution(() => sheet.protect().getEditors().map((u) => u.getEmail()).sort(), { user: 'dueno@gmail.example' });
    emu.withholdEmail('Dueno@gmail.example');
    const asAna = { user: 'ana@example.com' };
    expect(emu.runExecution(() => [ss.getOwner()!.getEmail(), file.getOwner()!.getEmail()], asAna)).toEqual(['', '']);
    expect(emu.runExecution(() => ss.getOwner()!.getEmail(), { user: 'dueno@gmail.example' })).toBe('dueno@gmail.example');
    expect(emu.runExecution(() => sheet.getProtections(ProtectionType.SHEET).length, asAna)).toBe(0);
    expect(editors()).toEqual(['dueno@gmail.example']);
    const p = sheet.getProtections(ProtectionType.SHEET)[0];
    emu.runExecution(() => p.addEditor('ana@example.com'), { user: 'dueno@gmail.example' });
    expect(emu.runExecution(() => p.getEditors().map((u) => u.getEmail()).sort(), asAna)).toEqual(['', 'ana@example.com']);
    // Set-up and inspection outside executions see every address.
    expect(ss.getOwner()!.getEmail()).toBe('dueno@gmail.example');
    expect(emu.runExecution(() => shared.getOwner(), asAna)).toBeNull();
    emu.withholdEmail('dueno@gmail.example', false);
    expect(emu.runExecution(() => ss.getOwner()!.getEmail(), asAna)).toBe('dueno@gmail.example');
  });

  test('triggers are recorded, listed per user, deleted; more than 20 throws', () => {
    const emu = createEmulator();
    const A = G(emu).ScriptApp;
    const t = emu.runExecution(() => A.newTrigger('continueMigration').timeBased().after(60_000).create());
    expect(emu.triggers).toHaveLength(1);
    expect(t.getHandlerFunction()).toBe('continueMigration');
    expect(String(t.getEventType())).toBe('CLOCK');
    expect(emu.runExecution(() => A.getProjectTriggers().length, { user: 'other@example.com' })).toBe(0);
    emu.runExecution(() => A.deleteTrigger(t));
    expect(emu.triggers).toHaveLength(0);
    emu.runExecution(() => { for (let i = 0; i < 20; i++) A.newTrigger('f').timeBased().everyMinutes(5).create(); });
    expect(thrown(() => emu.runExecution(() => A.newTrigger('f').timeBased().everyMinutes(5).create()))).toBe(EMU_ERRORS.tooManyTriggers);
    expect(A.AuthMode.NONE).toBe(emu.openEvent('NONE').authMode);
    expect(typeof emu.runExecution(() => A.getOAuthToken())).toBe('string');
  });

  test('Logger and console are captured with their level', () => {
    const emu = createEmulator();
    const g = G(emu);
    emu.runExecution(() => { g.Logger.log('filas: %s', 12); g.console.warn('cuidado', { a: 1 }); });
    expect(emu.logs.map((l) => [l.level, l.message])).toEqual([['Logger', 'filas: 12'], ['warn', "cuidado { a: 1 }"]]);
    expect(emu.stats.calls['console.warn']).toBe(1);
    expect(COST_MODEL.logMs).toBeGreaterThan(0);
  });
});

describe('HtmlService and Ui', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-html-'));
  fs.writeFileSync(path.join(dir, 'Sidebar.html'), '<h1>Migración</h1>');
  fs.writeFileSync(path.join(dir, 'Tpl.html'), '<p><?= name ?></p><? for (var i = 0; i < 2; i++) { ?><i><?!= i ?></i><? } ?>');

  test('createHtmlOutputFromFile reads htmlDir; a missing file throws Apps Script text', () => {
    const emu = createEmulator({ htmlDir: dir });
    const H = G(emu).HtmlService;
    const out = H.createHtmlOutputFromFile('Sidebar').setTitle('Sheet Migrator').setWidth(300);
    expect([out.getContent(), out.getTitle(), out.getWidth()]).toEqual(['<h1>Migración</h1>', 'Sheet Migrator', 300]);
    expect(thrown(() => H.createHtmlOutputFromFile('Missing'))).toBe('No HTML file named Missing was found.');
    expect(H.createHtmlOutput('<b>').append('x').getContent()).toBe('<b>x');
    expect(String(H.XFrameOptionsMode.ALLOWALL)).toBe('ALLOWALL');
  });

  test('templates evaluate scriptlets with their properties (escaped and raw)', () => {
    const emu = createEmulator({ htmlDir: dir });
    const t = G(emu).HtmlService.createTemplateFromFile('Tpl');
    t.name = '<Ñ>';
    expect(t.evaluate().getContent()).toBe('<p>&lt;Ñ&gt;</p><i>0</i><i>1</i>');
  });

  test('menus, sidebars, dialogs are recorded; alert returns scripted answers in order', () => {
    const { emu } = setup({ htmlDir: dir });
    const g = G(emu);
    emu.ui.answers.push('NO', 'YES');
    const results = emu.runExecution(() => {
      const ui = g.SpreadsheetApp.getUi();
      ui.createMenu('Herramientas').addItem('Uno', 'uno').addSeparator().addSubMenu(ui.createMenu('Más').addItem('Dos', 'dos')).addToUi();
      ui.showSidebar(g.HtmlService.createHtmlOutputFromFile('Sidebar').setTitle('Sheet Migrator'));
      ui.showModalDialog(g.HtmlService.createHtmlOutput('<p>ok</p>'), 'Confirmar');
      return [ui.alert('¿Revertir?', 'Se restaurará la v2.1', ui.ButtonSet.YES_NO), ui.alert('Listo', ui.ButtonSet.YES_NO), ui.alert('Sin respuesta')];
    });
    expect(results).toEqual([Button.NO, Button.YES, Button.OK]);
    expect(emu.ui.alerts[0]).toEqual({ title: '¿Revertir?', prompt: 'Se restaurará la v2.1', buttons: 'YES_NO' });
    expect(emu.ui.alerts[2]).toEqual({ prompt: 'Sin respuesta' });
    expect(emu.ui.menus[0]).toEqual({ title: 'Herramientas', items: [{ caption: 'Uno', functionName: 'uno' }, { caption: 'Más', functionName: '', items: [{ caption: 'Dos', functionName: 'dos' }] }] });
    expect(emu.ui.sidebars).toEqual([{ title: 'Sheet Migrator', html: '<h1>Migración</h1>' }]);
    expect(emu.ui.dialogs[0]).toMatchObject({ title: 'Confirmar', html: '<p>ok</p>', modal: true });
    emu.ui.answers.push('NO');
    expect(() => emu.runExecution(() => g.SpreadsheetApp.getUi().alert('x'))).toThrow(/not a button of ButtonSet.OK/);
  });

  test('prompt returns scripted text and button', () => {
    const emu = createEmulator();
    const g = G(emu);
    emu.ui.answers.push('OK');
    emu.ui.promptTexts.push('CONFIRMAR');
    const r = emu.runExecution(() => g.SpreadsheetApp.getUi().prompt('Escriba CONFIRMAR', g.SpreadsheetApp.getUi().ButtonSet.OK_CANCEL));
    expect([r.getResponseText(), String(r.getSelectedButton())]).toEqual(['CONFIRMAR', 'OK']);
  });
});
