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

  test('a shared-drive file (no owner) and no list: editors may act', () => {
    expect(checkAccess(env('editor@example.com'), file(() => null), { allowedUsers: [] })).toMatchObject({ canAct: true, owner: null });
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
