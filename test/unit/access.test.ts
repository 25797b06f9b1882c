// Who may act: decided from the owner Apps Script reports, and never opened up by a failure.
import { checkAccess } from '../../src/core/access';
import { Env, SpreadsheetLike } from '../../src/core/gas';

const env = (user: string) => ({ activeUser: () => user } as unknown as Env);
const file = (getOwner: () => { getEmail(): string } | null) => ({ getOwner } as unknown as SpreadsheetLike);
const owned = file(() => ({ getEmail: () => 'Owner@Example.com' }));

describe('checkAccess', () => {
  test('the owner may act (case and spaces ignored); the owner is reported once for the execution', () => {
    const a = checkAccess(env(' owner@example.com '), owned, { allowedUsers: [] });
    expect(a).toMatchObject({ canAct: true, owner: 'Owner@Example.com', reason: null });
  });

  test('anyone else is told who can act', () => {
    const a = checkAccess(env('visitor@example.com'), owned, { allowedUsers: ['ana@example.com'] });
    expect(a.canAct).toBe(false);
    expect(a.whoCanAct).toBe('owner@example.com, ana@example.com');
    expect(a.reason).toMatch(/Only owner@example\.com, ana@example\.com can run/);
  });

  test('a shared-drive file (no owner): only the listed users act, nobody when the list is empty', () => {
    const shared = file(() => null);
    expect(checkAccess(env('editor@example.com'), shared, { allowedUsers: [] })).toMatchObject({ canAct: false, owner: null, whoCanAct: '' });
    expect(checkAccess(env(''), shared, { allowedUsers: [] }).reason).toMatch(/shared drive, which has no owner, and "allowedUsers" names nobody/);
    expect(checkAccess(env('ana@example.com'), shared, { allowedUsers: ['ana@example.com'] })).toMatchObject({ canAct: true, whoCanAct: 'ana@example.com' });
    expect(checkAccess(env('editor@example.com'), shared, { allowedUsers: ['ana@example.com'] }).canAct).toBe(false);
  });

  test('an owner whose address is withheld ("") is not a shared drive: only the listed users act', () => {
    const hidden = file(() => ({ getEmail: () => '' }));
    for (const user of ['editor@example.com', '']) {
      const a = checkAccess(env(user), hidden, { allowedUsers: [] });
      expect(a).toMatchObject({ canAct: false, owner: '', whoCanAct: "the file's owner" });
    }
    expect(checkAccess(env('editor@example.com'), hidden, { allowedUsers: [] }).reason).toMatch(/does not tell Sheet Migrator the address of this file's owner.*Ask the owner/);
    expect(checkAccess(env('ana@example.com'), hidden, { allowedUsers: ['ana@example.com'] }).canAct).toBe(true);
  });

  test('an unknown active user ("") is refused whatever the file', () => {
    expect(checkAccess(env(''), owned, { allowedUsers: [] }).reason).toMatch(/did not tell Sheet Migrator who you are/);
    expect(checkAccess(env(''), file(() => null), { allowedUsers: ['ana@example.com'] }).canAct).toBe(false);
  });

  test('an owner lookup that fails is not mistaken for a shared drive: refused, nothing opened up', () => {
    const failing = file(() => {
      throw new Error('Service Spreadsheets timed out while accessing document with id x.');
    });
    const a = checkAccess(env('visitor@example.com'), failing, { allowedUsers: [] });
    expect(a.canAct).toBe(false);
    expect(a.reason).toMatch(/could not find out who owns this file \(Service Spreadsheets timed out.*\).*Nothing was changed; try again/);
  });
});
