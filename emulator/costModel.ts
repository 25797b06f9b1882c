// The modelled cost, in milliseconds of virtual time, of each Apps Script call. The emulator
// advances its clock by these amounts so that a test can see whether product code would fit in
// the 6-minute execution limit on a real workbook. They are estimates, not measurements of this
// machine: each constant says what it rests on. Sources:
//  [BP]   Apps Script "Best practices" guide (developers.google.com/apps-script/guides/support/best-practices):
//         every call to a Google service is a round trip and is far slower than JavaScript;
//         alternating reads and writes defeats the write-back cache.
//  [QT]   Apps Script quotas page (developers.google.com/apps-script/guides/services/quotas):
//         6 min per execution, 30 s custom functions.
//  [TB18] Tanaike, "Benchmark: Reading and Writing Spreadsheet using Google Apps Script" (2018 gist
//         d102c9600ba12a162c667287d2f20fe4): getValues/setValues cost grows linearly with cells;
//         writing is several times slower per cell than reading.
//  [T10M] Tanaike, "Handling 10,000,000 cells in Google Spreadsheet using Google Apps Script"
//         (gist cc4380692790150cc090114553e38a0e): reading sheet metadata (max rows/columns) of a
//         10M-cell sheet took ~0.3 s.
//  [EST]  Order-of-magnitude estimate from common field reports (the brief's figures); no single
//         published measurement. Change it here if you measure better.

export const COST_MODEL = {
  /** Hard limit of one execution [QT]. */
  executionLimitSeconds: 360,

  // --- Spreadsheet service ------------------------------------------------------------
  /** A call that needs the Sheets backend: tens of ms [BP][EST]. */
  sheetRoundTripMs: 30,
  /** A call answered by the client-side object (coordinates of a Range, name of a handle) [EST]. */
  localCallMs: 0.05,
  /** getRange / getSheetByName: resolves a handle, cheap but not free [EST]. */
  getRangeMs: 1,
  /** getLastRow/getLastColumn/getDataRange/getMaxRows: base + per grid cell, ~0.3 s at 10M cells [T10M];
   *  a getLastRow inside a loop over rows is the classic slow pattern [BP]. */
  sheetMetadataBaseMs: 50,
  sheetMetadataPerCellMs: 0.000025,
  /** getValues/getFormulas: round trip + a few µs per cell [TB18]. */
  readBaseMs: 30,
  readPerCellMs: 0.003,
  /** getDisplayValues: formatting each cell costs a bit more than raw values [EST]. */
  displayPerCellMs: 0.004,
  /** setValues/setFormulas: base + ~10 µs per cell [TB18][EST]. */
  writeBaseMs: 50,
  writePerCellMs: 0.01,
  /** setNumberFormats: cheaper per cell than values [EST]. */
  formatPerCellMs: 0.005,
  /** clear/clearContent: base + per cell [EST]. */
  clearPerCellMs: 0.0005,
  /** insert/delete rows or columns: a structural edit, base + shifting every cell of the sheet [EST]. */
  structureBaseMs: 200,
  structurePerCellMs: 0.00005,
  /** Range.copyTo inside one spreadsheet (server side, no data crosses to the script) [EST]. */
  rangeCopyBaseMs: 100,
  rangeCopyPerCellMs: 0.002,
  /** Sheet.copyTo another spreadsheet [EST]. */
  sheetCopyBaseMs: 500,
  sheetCopyPerCellMs: 0.001,
  /** Spreadsheet.copy / File.makeCopy of a spreadsheet: seconds for a big file [EST]. */
  fileCopyBaseMs: 2000,
  fileCopyPerCellMs: 0.0005,
  /** insertSheet/deleteSheet/setName/protect: one structural round trip [EST]. */
  sheetStructureMs: 300,
  /** SpreadsheetApp.flush: commits pending writes [EST]. */
  flushMs: 50,
  openByIdMs: 500,
  getActiveSpreadsheetMs: 20,
  createSpreadsheetMs: 1500,

  // --- Drive ---------------------------------------------------------------------------
  driveReadMs: 100,
  driveWriteMs: 300,

  // --- Properties / Cache / Lock --------------------------------------------------------
  /** A property read/write: a few ms [EST]. */
  propertyReadMs: 5,
  propertyWriteMs: 10,
  cacheReadMs: 5,
  cacheWriteMs: 5,
  /** Acquiring/releasing a free lock. Waiting for a held one costs its whole timeout. [EST] */
  lockMs: 10,

  // --- Utilities / Session / Logging / Ui ---------------------------------------------
  /** computeDigest: base + per KB hashed [EST]. */
  digestBaseMs: 0.5,
  digestPerKbMs: 0.02,
  /** formatDate, getUuid, base64: a bridge call into the Java runtime [EST]. */
  utilityMs: 0.05,
  sessionMs: 5,
  logMs: 0.5,
  htmlMs: 20,
  /** alert/prompt block until the user answers: a human takes a second or more [EST]. */
  uiDialogMs: 1000,
  uiShowMs: 100,
  triggerMs: 300,
} as const;

export type CostModel = typeof COST_MODEL;

/** Cost of a call that touches `cells` cells: base + cells × perCell. */
export function cellCost(baseMs: number, perCellMs: number, cells: number): number {
  return baseMs + perCellMs * cells;
}
