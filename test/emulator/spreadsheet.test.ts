// SpreadsheetApp, Spreadsheet and DriveApp.
import { createEmulator, EMU_ERRORS, ProtectionType } from '../../emulator';
import { setup, thrown } from './helpers';

describe('SpreadsheetApp and Spreadsheet', () => {
  test('identity: id, name, url, time zone, owner; active spreadsheet', () => {
    const { emu, ss } = setup();
    expect(ss.getId()).toMatch(/^1[A-Za-z0-9_-]{43}$/);
    expect(ss.getUrl()).toBe(`https://docs.google.com/spreadsheets/d/${ss.getId()}/edit`);
    expect(ss.getName()).toBe('Book');
    ss.rename('Renamed');
    expect(emu.getFile(ss.getId())!.getName()).toBe('Renamed');
    expect(ss.getSpreadsheetTimeZone()).toBe('America/Santiago');
    expect(ss.getOwner()!.getEmail()).toBe('owner@example.com');
    const G = emu.globals() as any;
    expect(emu.runExecution(() => G.SpreadsheetApp.getActiveSpreadsheet().getId())).toBe(ss.getId());
    expect(emu.runExecution(() => G.SpreadsheetApp.getActive().getName())).toBe('Renamed');
  });

  test('files in a shared drive have no owner', () => {
    const emu = createEmulator();
    const ss = emu.createSpreadsheet('Shared', { owner: null });
    expect(ss.getOwner()).toBeNull();
    expect(emu.getFile(ss.getId())!.getOwner()).toBeNull();
  });

  test('openById: known id opens; unknown or trashed id throws Apps Script text', () => {
    const { emu, ss } = setup();
    const G = emu.globals() as any;
    expect(emu.runExecution(() => G.SpreadsheetApp.openById(ss.getId()).getName())).toBe('Book');
    expect(thrown(() => emu.runExecution(() => G.SpreadsheetApp.openById('1nope')))).toBe('Unexpected error while getting the method or property openById on object SpreadsheetApp.');
    emu.getFile(ss.getId())!.setTrashed(true);
    expect(thrown(() => emu.runExecution(() => G.SpreadsheetApp.openById(ss.getId())))).toBe(EMU_ERRORS.openByIdFailed);
  });

  test('create() makes a file owned by the running user with Sheet1 of 1000x26; flush costs', () => {
    const emu = createEmulator();
    const G = emu.globals() as any;
    const id = emu.runExecution(() => {
      const ss = G.SpreadsheetApp.create('Nuevo');
      G.SpreadsheetApp.flush();
      return ss.getId();
    }, { user: 'ana@example.com' });
    const ss = emu.getSpreadsheet(id)!;
    const sheet = ss.getSheets()[0];
    expect([sheet.getName(), sheet.getSheetId(), sheet.getMaxRows(), sheet.getMaxColumns()]).toEqual(['Sheet1', 0, 1000, 26]);
    expect(ss.getOwner()!.getEmail()).toBe('ana@example.com');
    expect(emu.stats.calls['SpreadsheetApp.flush']).toBe(1);
  });

  test('copy(name) is a new Drive file with every sheet deep-copied and the same sheet ids', () => {
    const { emu, ss } = setup();
    const s1 = ss.getSheets()[0];
    s1.getRange('A1:B1').setValues([['x', new Date(0)]]);
    s1.getRange('C1').setFormula('=A1');
    const s2 = ss.insertSheet('Dos');
    s2.protect().setDescription('p');
    const copy = emu.runExecution(() => ss.copy('Respaldo v2.1'), { user: 'ana@example.com' });
    expect(copy.getId()).not.toBe(ss.getId());
    expect(copy.getName()).toBe('Respaldo v2.1');
    expect(copy.getOwner()!.getEmail()).toBe('ana@example.com');
    expect(copy.getSheets().map((s) => [s.getName(), s.getSheetId()])).toEqual(ss.getSheets().map((s) => [s.getName(), s.getSheetId()]));
    expect(copy.getSheets()[0].getRange('A1:C1').getFormulas()[0][2]).toBe('=A1');
    expect(copy.getSheetByName('Dos')!.getProtections(ProtectionType.SHEET)[0].getDescription()).toBe('p');
    copy.getSheets()[0].getRange('A1').setValue('changed');
    expect(s1.getRange('A1').getValue()).toBe('x');
    expect(emu.files().length).toBe(2);
  });

  test('getSheetById, getSheetByName null, Spreadsheet.getRange with sheet name', () => {
    const { ss } = setup();
    const other = ss.insertSheet("Hoja 'dos'");
    other.getRange('B2').setValue(7);
    expect(ss.getSheetById(other.getSheetId())!.getName()).toBe("Hoja 'dos'");
    expect(ss.getSheetByName('missing')).toBeNull();
    expect(ss.getRange("'Hoja ''dos'''!B2").getValue()).toBe(7);
  });
});

describe('DriveApp', () => {
  test('getFileById: unknown id throws Drive text; trashed files still open, with isTrashed()', () => {
    const { emu, ss } = setup();
    const G = emu.globals() as any;
    expect(thrown(() => emu.runExecution(() => G.DriveApp.getFileById('nope')))).toBe(
      'No item with the given ID could be found. Possibly because you have not edited this item or you do not have permission to access it.');
    emu.runExecution(() => G.DriveApp.getFileById(ss.getId()).setTrashed(true));
    expect(emu.runExecution(() => G.DriveApp.getFileById(ss.getId()).isTrashed())).toBe(true);
    expect(emu.getFile(ss.getId())!.isTrashed()).toBe(true);
  });

  test('File: name, url, mime type, last updated moves with writes; makeCopy and moveTo', () => {
    const { emu, ss } = setup();
    const G = emu.globals() as any;
    const f = emu.getFile(ss.getId())!;
    expect(f.getMimeType()).toBe('application/vnd.google-apps.spreadsheet');
    expect(f.getUrl()).toContain(ss.getId());
    const before = f.getLastUpdated().getTime();
    emu.clock.advance(60_000);
    emu.runExecution(() => ss.getSheets()[0].getRange('A1').setValue(1));
    expect(f.getLastUpdated().getTime()).toBeGreaterThan(before);
    const { copyId, folderId } = emu.runExecution(() => {
      const folder = G.DriveApp.createFolder('Respaldos');
      const copy = G.DriveApp.getFileById(ss.getId()).makeCopy('Copia', folder);
      return { copyId: copy.getId(), folderId: folder.getId() };
    });
    const copy = emu.getSpreadsheet(copyId)!;
    expect(copy.getSheets()[0].getRange('A1').getValue()).toBe(1);
    const names = emu.runExecution(() => {
      const it = G.DriveApp.getFolderById(folderId).getFiles();
      const out: string[] = [];
      while (it.hasNext()) out.push(it.next().getName());
      return out;
    });
    expect(names).toEqual(['Copia']);
    expect(thrown(() => emu.runExecution(() => G.DriveApp.getFolderById('nope')))).toBe(EMU_ERRORS.noItemWithId);
  });

  test('moving a file into a shared drive removes its owner', () => {
    const { emu, ss } = setup();
    const G = emu.globals() as any;
    const shared = emu.createSpreadsheet('x', { owner: null });
    const sharedFolderId = emu.runExecution(() => G.DriveApp.getFileById(shared.getId()).getParents().next().getId());
    emu.runExecution(() => G.DriveApp.getFileById(ss.getId()).moveTo(G.DriveApp.getFolderById(sharedFolderId)));
    expect(emu.getFile(ss.getId())!.getOwner()).toBeNull();
  });
});
