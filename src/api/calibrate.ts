// calibrate(): a server function to run once from the Apps Script editor (Run ▸ calibrate). It
// times real Spreadsheet, Drive and Properties calls on a scratch spreadsheet of its own and
// logs constants in the form of emulator/costModel.ts (src/core/calibration.ts does the work).
import { CalibrationResult, runCalibration } from '../core/calibration';

export function calibrate(): CalibrationResult {
  return runCalibration({ SpreadsheetApp, PropertiesService, DriveApp, now: () => Date.now(), log: (t) => console.log(t) });
}
