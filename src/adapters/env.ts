// The one place that touches the Apps Script globals. Everything else receives an Env.
// `g` is the global object: Apps Script's in production, the emulator's in tests.
import { Env, SpreadsheetLike, DriveFileLike, PropertyStore, LockLike, DriveFolderLike } from '../core/gas';
import { isPermissionError, isTransient } from '../core/retry';

/* eslint-disable @typescript-eslint/no-explicit-any */
export function appsScriptEnv(g: any = globalThis): Env {
  const toHex = (bytes: number[]) => {
    let s = '';
    for (const b of bytes) s += ((b + 256) % 256).toString(16).padStart(2, '0');
    return s;
  };
  return {
    activeSpreadsheet: () => g.SpreadsheetApp.getActiveSpreadsheet() as SpreadsheetLike,
    openSpreadsheetById: (id) => g.SpreadsheetApp.openById(id) as SpreadsheetLike,
    getFileById: (id) => {
      try {
        return g.DriveApp.getFileById(id) as DriveFileLike;
      } catch (e) {
        // A missing scope is a deployment error, and a momentary failure is not an answer:
        // neither may be reported as "the file is gone".
        if (isPermissionError(e) || isTransient(e)) throw e;
        // Apps Script throws for a deleted file or one we may not see: both mean "gone" here.
        return null;
      }
    },
    findFilesByName: (name) => {
      const it = g.DriveApp.getFilesByName(name);
      const out: DriveFileLike[] = [];
      while (it.hasNext()) out.push(it.next() as DriveFileLike);
      return out;
    },
    getFolderById: (id) => g.DriveApp.getFolderById(id) as DriveFolderLike,
    documentProperties: () => g.PropertiesService.getDocumentProperties() as PropertyStore,
    documentLock: () => g.LockService.getDocumentLock() as LockLike,
    now: () => Date.now(),
    sleep: (ms) => g.Utilities.sleep(ms),
    activeUser: () => {
      try {
        return String(g.Session.getActiveUser().getEmail() || '');
      } catch (e) {
        return '';
      }
    },
    sha256Hex: (text) => toHex(g.Utilities.computeDigest(g.Utilities.DigestAlgorithm.SHA_256, text, g.Utilities.Charset.UTF_8)),
    formatDate: (date, tz, pattern) => g.Utilities.formatDate(date, tz, pattern),
    uuid: () => g.Utilities.getUuid(),
    console: g.console,
    flush: () => g.SpreadsheetApp.flush(),
    protectionType: (kind) => g.SpreadsheetApp.ProtectionType[kind],
  };
}
