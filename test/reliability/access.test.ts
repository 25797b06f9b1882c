// Who may act. Only the file's owner (or the users the plan lists) can run, force, start over
// or roll back; anyone else sees the status read-only, with a message saying who can act, and
// every function that changes something refuses them without changing anything. It fails
// closed: an identity Apps Script withholds (the active user's or the owner's address reads "")
// may only read, and in a shared drive (no owner) only the listed users act, nobody when the
// list is empty. The bundle's plan is fixed; loadBundleAllowing builds it with another list.
import * as fs from 'fs';
import * as path from 'path';
import { Emulator } from '../../emulator';
import { createContext } from '../../src/api/context';
import { Coordinator, parseRunOptions } from '../../src/core/coordinator';
import { rollbackMigration } from '../../src/core/rollback';
import { Bundle, CallOptions, DIST, loadBundleAllowing } from '../helpers/bundle';
import { actionRules, readOnlyNotice } from '../../sidebar/rules';
import { emuEnv } from '../helpers/emuEnv';
import { fullState, operaciones } from '../helpers/workbookState';
import { expectActionable, expectNoLeftovers, migrateAll, OWNER, stateOf, VISITOR, world, World } from '../helpers/reliability';
import { migrateThrough, rollBackFully } from '../bundle/rollbackFixture';

const ONLY_OWNER = /Only owner@example\.com can run, restart or roll back this migration; you \(visitor@example\.com\) can see its status\. Ask one of them to act, or to add you to "allowedUsers"/;

/** Every top-level function of the bundle, and what it does to the file. */
const MUTATING: Record<string, (w: World, as: CallOptions) => string> = {
  runMigrationStep: (w, as) => w.b.callAs(as, 'runMigrationStep').message,
  runMigration: (w, as) => w.b.callAs(as, 'runMigration').message,
  'runMigration({force: true})': (w, as) => w.b.callAs(as, 'runMigration', { force: true }).message,
  startOver: (w, as) => w.b.callAs(as, 'startOver').problem,
  'rollbackMigration({confirm: true})': (w, as) => w.b.callAs(as, 'rollbackMigration', { confirm: true }).message,
  menuRollbackMigration: (w, as) => {
    w.b.callAs(as, 'menuRollbackMigration');
    return w.emu.ui.alerts[w.emu.ui.alerts.length - 1].prompt;
  },
};
const READ_ONLY = ['getMigrationStatus', 'getMigrationLog', 'verifyMigration', 'menuVerifyMigration', 'showSidebar', 'onOpen', 'onInstall'];
/** Acts only on scratch files of its own in the caller's Drive, never on this spreadsheet (src/core/calibration.ts);
 *  still refused to those who may not act, since google.script.run reaches it. */
const DEVELOPER_TOOLS = ['calibrate'];

describe('a user who is not allowed', () => {
  test('every top-level function of the bundle is classified (a new one must be added here, with its access check)', () => {
    const code = fs.readFileSync(path.join(DIST, 'Code.js'), 'utf8');
    const entry = [...code.matchAll(/^function (\w+)\(\) \{ return SheetMigrator\./gm)].map((m) => m[1]).sort();
    const classified = new Set([...Object.keys(MUTATING).map((k) => k.replace(/\(.*$/, '')), ...READ_ONLY, ...DEVELOPER_TOOLS]);
    expect(entry.filter((f) => !classified.has(f))).toEqual([]);
  });

  const STATES: Array<[string, (w: World) => void]> = [
    ['nothing migrated yet', () => undefined],
    ['a migration under way (its lease expired)', (w) => {
      migrateThrough(w.b, 'add_v3_columns');
      w.emu.clock.advance(10 * 60 * 1000);
    }],
    ['migrated (a rollback would be possible)', (w) => migrateAll(w.b)],
  ];
  test.each(STATES)('%s: every mutating function refuses, saying who can act; nothing changes', (_name, setup) => {
    const w = world({ rows: 20 });
    setup(w);
    const before = stateOf(w.emu);
    for (const [fn, call] of Object.entries(MUTATING)) {
      const message = call(w, { user: VISITOR }) || '';
      // The menu first looks whether there is anything to roll back; when there is not, it says that.
      const says = ONLY_OWNER.test(message) || (fn === 'menuRollbackMigration' && /^Nothing to roll back/.test(message));
      expect({ fn, says, message }).toEqual({ fn, says: true, message });
      expect({ fn, state: stateOf(w.emu) }).toEqual({ fn, state: before });
    }
    // The refusals are in the log, with who tried.
    const log = w.b.call('getMigrationLog').entries.map((e: any) => e.message).join('\n');
    expect(log).toMatch(/Run refused for visitor@example\.com: not allowed to change this file/);
    expect(log).toMatch(/Rollback refused \(asked by visitor@example\.com\)/);
  });

  test('calibrate (a developer tool) refuses too, creating no scratch file', () => {
    const w = world({ rows: 20 });
    const files = w.emu.files().length;
    const r = w.b.callAs({ user: VISITOR }, 'calibrate');
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(ONLY_OWNER);
    expect(w.emu.files().length).toBe(files);
  });

  test('sees the status read-only, with who can act; may read the log, verify and see the plan of a dry run', () => {
    const w = world({ rows: 20 });
    migrateAll(w.b);
    const before = fullState(w.emu);
    const status = w.b.callAs({ user: VISITOR }, 'getMigrationStatus');
    expect(status).toMatchObject({ canAct: false, actor: VISITOR, whoCanAct: OWNER, migrated: true, problem: null });
    expect(w.b.callAs({ user: VISITOR }, 'verifyMigration').ok).toBe(true);
    expect(w.b.callAs({ user: VISITOR }, 'getMigrationLog').entries.length).toBeGreaterThan(3);
    const preview = w.b.callAs({ user: VISITOR }, 'rollbackMigration');
    expect(preview).toMatchObject({ ok: false, canRollBack: false });
    expect(preview.message).toMatch(ONLY_OWNER);
    expect(preview.plan.length).toBeGreaterThan(0);
    w.b.callAs({ user: VISITOR }, 'showSidebar');
    expect(fullState(w.emu)).toEqual(before);
  });
});

describe('users listed in the plan (allowedUsers)', () => {
  /** The core with the plan's allowedUsers set (the bundle's plan is fixed; the check is the same code). */
  function asUser(emu: Emulator, user: string, allowedUsers: string[]) {
    const ctx = createContext(emuEnv(emu));
    const app = { ...ctx, config: { ...ctx.config, allowedUsers } };
    return {
      run: () => emu.runExecution(() => new Coordinator(app).execute(parseRunOptions({}, 'all', false)), { user }),
      rollback: () => emu.runExecution(() => rollbackMigration(app, { confirm: true }), { user }),
    };
  }

  test('a listed user may run and roll back (addresses compared without case); anyone else is told who can act', () => {
    const w = world({ rows: 20 });
    const other = asUser(w.emu, 'luis@example.com', [' Ana@Example.com ']).run();
    expect(other.ok).toBe(false);
    expect(other.message).toMatch(/Only owner@example\.com, ana@example\.com can run, restart or roll back/);
    const ana = asUser(w.emu, 'ana@example.com', ['Ana@Example.com']);
    for (let i = 0; i < 10; i++) if (ana.run().complete) break;
    expect(w.b.call('getMigrationStatus').migrated).toBe(true);
    expect(ana.rollback()).toMatchObject({ ok: true });
  });

  test('in a shared drive with a list, only the listed users may act', () => {
    const w = world({ rows: 20, owner: null });
    expect(asUser(w.emu, 'luis@example.com', ['ana@example.com']).run().message).toMatch(/Only ana@example\.com can run/);
  });
});

// --- unknown identities and shared drives: fail closed ---------------------------------------

/** `b` called as `as` by default (the bundle of another plan, another user). */
function acting(b: Bundle, as: CallOptions): Bundle {
  return { load: b.load, callAs: (o, name, ...args) => b.callAs({ ...as, ...o }, name, ...args), call: (name, ...args) => b.callAs(as, name, ...args) };
}

/**
 * `as` may only read: every entry point that writes (also calibrate) refuses with `reason`
 * and changes nothing; status, dry run, verify and the log still answer, the status and the
 * sidebar say why and what to do.
 */
function expectReadOnly(w: World, as: CallOptions, reason: RegExp): void {
  const before = stateOf(w.emu);
  for (const [fn, call] of Object.entries(MUTATING)) {
    const message = call(w, as) || '';
    expect({ fn, refused: reason.test(message), message }).toEqual({ fn, refused: true, message });
    expect({ fn, state: stateOf(w.emu) }).toEqual({ fn, state: before });
  }
  const files = w.emu.files().length;
  const cal = w.b.callAs(as, 'calibrate');
  expect({ ok: cal.ok, refused: reason.test(cal.message) }).toEqual({ ok: false, refused: true });
  expect(w.emu.files().length).toBe(files);

  const status = w.b.callAs(as, 'getMigrationStatus');
  expect(status.canAct).toBe(false);
  expectActionable(status.readOnlyReason, reason);
  expect(readOnlyNotice(status)).toContain(status.readOnlyReason);
  const rules = actionRules({ status, busy: null, stopRequested: false });
  for (const id of ['runAll', 'runNext', 'startOver', 'rollback'] as const) expect({ id, enabled: rules[id].enabled }).toEqual({ id, enabled: false });
  expect(rules.verify.enabled).toBe(true);
  expect(rules.rollback.reason).toMatch(/^Read-only: /);
  const dry = w.b.callAs(as, 'runMigration', { dryRun: true });
  expect(dry.dryRun).toBe(true);
  expect(dry.message).toMatch(reason);
  expect(w.b.callAs(as, 'verifyMigration').checks.length).toBeGreaterThan(0);
  w.b.callAs(as, 'menuVerifyMigration');
  expect(w.emu.ui.alerts[w.emu.ui.alerts.length - 1].title).toBe('Verify migration');
  expect(w.b.callAs(as, 'getMigrationLog').entries.length).toBeGreaterThan(0);
  expect(stateOf(w.emu)).toEqual(before);
}

const WHO_ARE_YOU = /Apps Script did not tell Sheet Migrator who you are, so it cannot check that you may change this sheet/;
const OWNER_WITHHELD = /Apps Script does not tell Sheet Migrator the address of this file's owner/;
const NOBODY_LISTED = /This file is in a shared drive, which has no owner, and "allowedUsers" names nobody, so nobody may change it/;

describe('an unknown identity may only read', () => {
  test('the active user\'s address withheld (another domain; the owner declining the email scope): read-only, told why and what to do', () => {
    const w = world({ rows: 20 });
    migrateAll(w.b);
    expectReadOnly(w, { user: 'someone@other-domain.example', hideActiveUser: true }, WHO_ARE_YOU);
    // Even the owner, without an address, cannot be told from anyone else.
    expectReadOnly(w, { user: OWNER, hideActiveUser: true }, WHO_ARE_YOU);
    const status = w.b.callAs({ user: OWNER, hideActiveUser: true }, 'getMigrationStatus');
    expect(status).toMatchObject({ actor: '', whoCanAct: OWNER });
    expect(status.readOnlyReason).toMatch(/allow it; otherwise ask owner@example\.com to run the migration/);
    expect(readOnlyNotice(status)).toMatch(/^Apps Script did not tell/);
  });

  test('the owner\'s address withheld (an owner outside the domain): others may only read; the owner, who sees their own address, and listed users act', () => {
    const w = world({ rows: 20 });
    migrateAll(w.b);
    w.emu.withholdEmail(OWNER);
    expectReadOnly(w, { user: VISITOR }, OWNER_WITHHELD);
    const status = w.b.callAs({ user: VISITOR }, 'getMigrationStatus');
    expect(status).toMatchObject({ whoCanAct: "the file's owner" });
    expect(status.readOnlyReason).toMatch(/Ask the owner to run the migration, or to add your address to "allowedUsers" in src\/migration\.config\.json and push the add-on again/);
    expect(readOnlyNotice(status)).toMatch(/^You are signed in as visitor@example\.com\. Apps Script does not tell/);
    // The menu says the same when someone reaches for the rollback.
    w.b.callAs({ user: VISITOR }, 'menuRollbackMigration');
    expect(w.emu.ui.alerts.map((a) => a.title)).not.toContain('Roll back to v2.1?');
    expect(w.emu.ui.alerts[w.emu.ui.alerts.length - 1].prompt).toMatch(OWNER_WITHHELD);

    const ana = acting(loadBundleAllowing(w.emu, ['ana@example.com']), { user: 'ana@example.com' });
    expect(ana.call('getMigrationStatus')).toMatchObject({ canAct: true, whoCanAct: "the file's owner, ana@example.com", readOnlyReason: null });
    expect(rollBackFully(ana)).toMatchObject({ ok: true, complete: true });
    expect(acting(loadBundleAllowing(w.emu, ['ana@example.com']), { user: VISITOR }).call('runMigration').message).toMatch(OWNER_WITHHELD);
    expect(migrateAll(w.b).ok).toBe(true);
  });
});

describe('a file in a shared drive (no owner)', () => {
  test('with an empty "allowedUsers" nobody may act, not even an editor who migrated it under a list; everyone may read', () => {
    const w = world({ rows: 20, owner: null });
    const editor = 'editora@example.com';
    migrateAll(acting(loadBundleAllowing(w.emu, [editor]), { user: editor }));
    for (const user of [editor, OWNER]) expectReadOnly(w, { user }, NOBODY_LISTED);
    const status = w.b.callAs({ user: editor }, 'getMigrationStatus');
    expect(status).toMatchObject({ canAct: false, whoCanAct: '' });
    expect(status.readOnlyReason).toMatch(/add their address to "allowedUsers" in src\/migration\.config\.json and push the add-on again/);
    const rules = actionRules({ status, busy: null, stopRequested: false });
    expect(rules.rollback.reason).toBe('Read-only: nobody may change this file yet (see above).');
    // Before anything ran, too (the menu has nothing to roll back, and says so).
    const fresh = world({ rows: 20, owner: null });
    const before = stateOf(fresh.emu);
    for (const fn of ['runMigrationStep', 'runMigration']) expect(fresh.b.callAs({ user: editor }, fn).message).toMatch(NOBODY_LISTED);
    expect(fresh.b.callAs({ user: editor }, 'startOver').problem).toMatch(NOBODY_LISTED);
    expect(stateOf(fresh.emu)).toEqual(before);
  });

  test('with a list: a listed user migrates and rolls back, the protection keeps out everyone but them; anyone else may only read', () => {
    const w = world({ rows: 20, owner: null });
    const editor = 'editora@example.com';
    const listed = { ...w, b: loadBundleAllowing(w.emu, [editor]) };
    const status = listed.b.callAs({ user: editor }, 'getMigrationStatus');
    expect(status).toMatchObject({ canAct: true, whoCanAct: editor, readOnlyReason: null });
    const first = listed.b.callAs({ user: editor }, 'runMigrationStep');
    expect(first.ok).toBe(true);
    const sheet = operaciones(w.emu, w.id) as any;
    expect(() => w.emu.runExecution(() => sheet.getRange(3, 3).setValue('x'), { user: 'otra@example.com' })).toThrow(/protected cell/);
    for (let i = 0; i < 20; i++) if (listed.b.callAs({ user: editor }, 'runMigrationStep').complete) break;
    expect(listed.b.callAs({ user: editor }, 'getMigrationStatus').migrated).toBe(true);
    expect(sheet.getProtections('SHEET')).toHaveLength(0);
    expectReadOnly(listed, { user: 'otra@example.com' }, /Only editora@example\.com can run, restart or roll back this migration; you \(otra@example\.com\) can see its status/);
    const r = listed.b.callAs({ user: editor }, 'rollbackMigration', { confirm: true });
    expect(r).toMatchObject({ ok: true, complete: true });
    expectNoLeftovers(w.emu);
    // Who did it is on record: the history names the editor.
    const history = JSON.parse((w.emu.globals() as any).PropertiesService.getDocumentProperties().getProperty('sm.history')).entries;
    expect(history.map((h: any) => [h.kind, h.by])).toEqual([['migration', editor], ['rollback', editor]]);
  });

  test('rolled back by a listed editor of the owner-less file, the backup and snapshot stay in their Drive', () => {
    const w = world({ rows: 10, owner: null });
    const b = loadBundleAllowing(w.emu, [OWNER]);
    migrateAll(b);
    const done = rollBackFully(b);
    expect(done.ok).toBe(true);
    expect(w.emu.getFile(done.snapshotId)!.getOwner()!.getEmail()).toBe(OWNER);
  });
});
