// The modelled cost, in milliseconds of virtual time, of each Apps Script call. The emulator
// advances its clock by these amounts so that a test can see whether product code would fit in
// the 6-minute execution limit on a real workbook. They are estimates, not measurements of this
// machine: every constant names what it rests on. This file is the only place they live.
//
// Published sources:
//  [BP]   Apps Script "Best practices" guide (developers.google.com/apps-script/guides/support/best-practices):
//         every call to a Google service is a round trip and is far slower than JavaScript;
//         alternating reads and writes defeats the write-back cache.
//  [GB10] Google Apps Script blog, "Optimizing Spreadsheet Operations" (June 2010,
//         googleappsscript.blogspot.com/2010/06/optimizing-spreadsheet-operations.html): reads are
//         served by a look-ahead cache and writes by a write cache; every read first commits
//         (flushes) the pending writes.
//  [QT]   Apps Script quotas page (developers.google.com/apps-script/guides/services/quotas):
//         6 min per execution, 30 s custom functions.
//  [TB18] Tanaike, "Benchmark: Reading and Writing Spreadsheet using Google Apps Script" (2018 gist
//         d102c9600ba12a162c667287d2f20fe4): getValues/setValues cost grows linearly with cells;
//         writing is several times slower per cell than reading.
//  [T10M] Tanaike, "Handling 10,000,000 cells in Google Spreadsheet using Google Apps Script"
//         (gist cc4380692790150cc090114553e38a0e): reading sheet metadata (max rows/columns) of a
//         10M-cell sheet took ~0.3 s.
//  [K3]   T. Kotsuka, 詳解! Google Apps Script完全入門 第3版, sample 16-02 (the book's sample code,
//         github.com/moseskim/google-app-scripts-3rd, 16/16-02.gs), timed with console.time:
//         1,000 alternating getValue/setValue pairs took 318,580 ms (≈160 ms per call, each read
//         flushing the previous write); one 1,000-cell getValues + one setValues took 333 ms.
//  [SOM]  Mogsdad, Stack Overflow answer to "What is faster: ScriptDb or SpreadsheetApp?" (2013):
//         a 4,000-cell setValues took < 50 ms before a flush and 610 ms with it; 400 row writes
//         each followed by flush() took ~12 s (~30 ms each), 164 ms without the flushes.
//  [LP]   L. Peralta, "Google Apps Script APIs performance" (ziritione.org/post/apps_script_performance),
//         100 runs each: Properties getProperty avg 30 ms (min 20), setProperty avg 62 ms (min 43);
//         CacheService get avg 3 ms, put avg 93 ms (min 73).
//  [JP]   J. Poehnelt, "Storage Wars: CacheService vs. PropertiesService vs. Firestore Benchmarks"
//         (justin.poehnelt.com/posts/apps-script-key-value-stores), 100 write+read pairs of 100 B:
//         CacheService ~63 ms, PropertiesService ~80 ms, SpreadsheetApp ~800 ms per pair.
//  [MQ]   qiita.com/mitonattou919 (CacheService notes), 10 runs: put ~56 ms, get ~20 ms, remove ~88 ms.
//  [EST]  Order-of-magnitude estimate (the brief's figures, field reports); no single published
//         measurement. Change it here if you measure better: calibrate() (src/api/calibrate.ts),
//         run from the script editor, prints measured values under these same names.
//
// How the model compares with the published measurements: it sits at their FAST end. The
// round trips of [K3] and [JP] are 2-10× the 30-50 ms used here, and [LP]/[JP]/[MQ] put
// property and cache calls at 20-90 ms where the model charges 5-10 ms; [SOM] is on the other
// side for flushed row writes (~30 ms). The values are kept because the product's tests (time
// limits, budgets, resumption) are calibrated against them, and because the sources span 2010-
// 2024 and disagree by 3× among themselves. Read modelled seconds as a lower estimate of real
// time for call-bound work; call COUNTS (what bench/ compares with its lower bound) do not
// depend on the model at all. The product's time budgets use the real clock in Apps Script, so
// a slower account gets smaller units, not a timeout.

export const COST_MODEL = {
  /** Hard limit of one execution [QT]. */
  executionLimitSeconds: 360,

  // --- Spreadsheet service ------------------------------------------------------------
  /** A call that needs the Sheets backend: tens of ms [BP][EST]; [K3] measured ~160 ms per call when reads and writes alternate. */
  sheetRoundTripMs: 30,
  /** A call answered by the client-side object (coordinates of a Range, name of a handle): no round trip [BP][EST]. */
  localCallMs: 0.05,
  /** getRange / a handle: resolved client-side in Apps Script, cheap but not free [EST]. */
  getRangeMs: 1,
  /** getLastRow/getLastColumn/getDataRange/getMaxRows: base + per grid cell, ~0.3 s at 10M cells [T10M];
   *  a getLastRow inside a loop over rows is the classic slow pattern [BP]. */
  sheetMetadataBaseMs: 50,
  sheetMetadataPerCellMs: 0.000025,
  /** getValues/getFormulas: round trip + a few µs per cell [TB18]; [K3]: 1,000 cells read + written in 333 ms. */
  readBaseMs: 30,
  readPerCellMs: 0.003,
  /** getDisplayValues: formatting each cell costs a bit more than raw values [EST]. */
  displayPerCellMs: 0.004,
  /** setValues/setFormulas: base + ~10 µs per cell [TB18][EST]; [SOM]: 4,000 cells + flush in 610 ms. */
  writeBaseMs: 50,
  writePerCellMs: 0.01,
  /** setNumberFormats: cheaper per cell than values (no parsing of typed input) [EST]. */
  formatPerCellMs: 0.005,
  /** clear/clearContent: base + per cell, far below writing values [EST]. */
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
  /** Spreadsheet.copy / File.makeCopy of a spreadsheet: seconds for a big file (~7 s at 10M cells) [EST]. */
  fileCopyBaseMs: 2000,
  fileCopyPerCellMs: 0.0005,
  /** insertSheet/deleteSheet/setName/protect: one structural round trip [EST]. */
  sheetStructureMs: 300,
  /** SpreadsheetApp.flush: commits pending writes [GB10]; [SOM] measured ~30 ms per flushed row write [EST]. */
  flushMs: 50,
  /** openById: loads another file's metadata, an order of magnitude above a round trip [EST]. */
  openByIdMs: 500,
  /** getActiveSpreadsheet: the container is already bound to the execution [EST]. */
  getActiveSpreadsheetMs: 20,
  /** SpreadsheetApp.create: a new Drive file and its first sheet [EST]. */
  createSpreadsheetMs: 1500,

  // --- Drive ---------------------------------------------------------------------------
  /** DriveApp reads (getFileById, iterators, getters that fetch) [EST]. */
  driveReadMs: 100,
  /** Drive changes (setTrashed, moveTo, setName) [EST]. */
  driveWriteMs: 300,

  // --- Properties / Cache / Lock --------------------------------------------------------
  /** A property read/write: a few ms [EST]; [LP] measured avg 30 / 62 ms and [JP] ~80 ms per write+read pair (see above). */
  propertyReadMs: 5,
  propertyWriteMs: 10,
  /** A cache read/write [EST]; [LP] get 3 ms / put 93 ms, [MQ] get 20 ms / put 56 ms, [JP] ~63 ms per pair. */
  cacheReadMs: 5,
  cacheWriteMs: 5,
  /** Acquiring/releasing a free lock. Waiting for a held one costs its whole timeout. [EST] */
  lockMs: 10,

  // --- Utilities / Session / Logging / Ui ---------------------------------------------
  /** computeDigest: base + per KB hashed (SHA-256 hashes tens of MB per second in the JVM) [EST]. */
  digestBaseMs: 0.5,
  digestPerKbMs: 0.02,
  /** formatDate, getUuid, base64: a bridge call into the Java runtime [EST]. */
  utilityMs: 0.05,
  /** Session.getActiveUser/getEffectiveUser/getScriptTimeZone [EST]. */
  sessionMs: 5,
  /** Logger.log / console.* (buffered; sent after the execution) [EST]. */
  logMs: 0.5,
  /** HtmlService: building an output or evaluating a template [EST]. */
  htmlMs: 20,
  /** alert/prompt block until the user answers: a human takes a second or more [EST]. */
  uiDialogMs: 1000,
  /** showSidebar / dialogs / toast: one round trip to the editor [EST]. */
  uiShowMs: 100,
  /** ScriptApp trigger create/list/delete [EST]. */
  triggerMs: 300,
} as const;

export type CostModel = typeof COST_MODEL;

/** Cost of a call that touches `cells` cells: base + cells × perCell. */
export function cellCost(baseMs: number, perCellMs: number, cells: number): number {
  return baseMs + perCellMs * cells;
}
