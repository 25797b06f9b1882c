// The adapter's answer to "is this Drive file there?": only Drive's "no such file" means gone.
import { appsScriptEnv } from '../../src/adapters/env';

const driveThrowing = (message: string) => appsScriptEnv({ DriveApp: { getFileById: () => { throw new Error(message); } } });

describe('getFileById', () => {
  test('a file Drive cannot find is gone (null)', () => {
    expect(driveThrowing('No item with the given ID could be found. Possibly because you have not edited this item or you do not have permission to access it.').getFileById('x')).toBeNull();
  });

  test('a momentary failure is thrown, not reported as a missing file', () => {
    expect(() => driveThrowing('Service unavailable: Drive').getFileById('x')).toThrow(/Service unavailable/);
  });

  test('a missing scope is thrown, not reported as a missing file', () => {
    expect(() => driveThrowing('You do not have permission to call DriveApp.getFileById. Required permissions: https://www.googleapis.com/auth/drive.readonly').getFileById('x')).toThrow(/permission/);
  });
});
