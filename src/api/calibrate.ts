// calibrate(): a server function to run once from the Apps Script editor (Run ▸ calibrate). It
// times real Spreadsheet, Drive and Properties calls on a scratch spreadsheet of its own and
// logs constants in the form of emulator/costModel.ts (src/core/calibration.ts does the work).
import { CalibrationResult, runCalibration } from '../core/calibration';
import { checkAccess } from '../core/access';
import { createContext } from './context';

export function calibrate(): CalibrationResult {
  // google.script.run can reach every top-level function, so a sidebar user who may not act
  // must not be able to start a minute of scratch-file work either.
  const app = createContext();
  const access = checkAccess(app.env, app.env.activeSpreadsheet(), app.config);
  if (!access.canAct) {
    return { ok: false, message: access.reason || 'Not allowed.', measured: {}, samples: [], text: '', leftovers: [] };
  }
  return runCalibration({ SpreadsheetApp, PropertiesService, DriveApp, now: () => Date.now(), log: (t) => console.log(t) });
}
