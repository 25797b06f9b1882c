// The exact texts Apps Script throws, in one place so that product code and tests can match
// them. Each entry says where the text comes from; "inferred" marks a text whose exact wording
// could not be confirmed and follows the pattern of its confirmed siblings (see README).

export const EMU_ERRORS = {
  // --- Spreadsheet service -------------------------------------------------------------
  /** getRange past maxRows/maxColumns. Text from the brief; also widely quoted for Apps Script. */
  rangeOutsideSheet: 'The coordinates of the range are outside the dimensions of the sheet.',
  /** Quoted verbatim in many public Apps Script projects and tests. */
  startRowTooSmall: 'The starting row of the range is too small.',
  startColumnTooSmall: 'The starting column of the range is too small.',
  numRowsTooSmall: 'The number of rows in the range must be at least 1.',
  numColumnsTooSmall: 'The number of columns in the range must be at least 1.',
  /** setValues/setFormulas/setNumberFormats dimension mismatch (brief). */
  rowsMismatch: (data: number, range: number) =>
    `The number of rows in the data does not match the number of rows in the range. The data has ${data} but the range has ${range}.`,
  columnsMismatch: (data: number, range: number) =>
    `The number of columns in the data does not match the number of columns in the range. The data has ${data} but the range has ${range}.`,
  /** Apps Script's text when an argument is not of the declared type (e.g. a 1-D array to setValues). */
  signatureMismatch: (args: string, method: string) => `The parameters (${args}) don't match the method signature for ${method}.`,
  /** Bad A1 notation. */
  rangeNotFound: 'Range not found',
  /** Google Sheets' 10M-cell workbook limit (quoted verbatim in Sheets API and Apps Script reports). */
  cellLimit: 'This action would increase the number of cells in the workbook above the limit of 10000000 cells.',
  /** Sheets' 18,278-column (ZZZ) limit. Inferred wording, same pattern as the cell limit. */
  columnLimit: 'This action would increase the number of columns in the sheet above the limit of 18278.',
  sheetNameTaken: (name: string) => `A sheet with the name "${name}" already exists. Please enter another name.`,
  removeAllSheets: "You can't remove all the sheets in a document.",
  deleteAllRows: "You can't delete all the rows on the sheet.",
  deleteAllColumns: "You can't delete all the columns on the sheet.",
  deleteAllNonFrozenRows: 'Sorry, it is not possible to delete all non-frozen rows.',
  rowsOutOfBounds: 'Those rows are out of bounds.',
  columnsOutOfBounds: 'Those columns are out of bounds.',
  /** Range.copyTo with a destination in another spreadsheet. */
  copyToOtherSpreadsheet: 'Target range and source range must be on the same spreadsheet.',
  /** Writing a protected range as a non-editor (Sheets' own text). */
  protectedCell:
    'You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove protection if you need to edit.',
  /** Using a Sheet object after its sheet was deleted. Emulator wording (Apps Script's is not documented). */
  sheetDeleted: 'The sheet has been deleted.',
  /** SpreadsheetApp.openById with an unknown (or, here, trashed) id. */
  openByIdFailed: 'Unexpected error while getting the method or property openById on object SpreadsheetApp.',
  /** Transient backend failure (quoted verbatim in retry code of many projects). */
  sheetsTimedOut: (id: string) => `Service Spreadsheets timed out while accessing document with id ${id}.`,
  driveTimedOut: (id: string) => `Service Drive timed out while accessing document with id ${id}.`,
  /** Generic transient server error of Apps Script, used for Properties and Cache faults. */
  serverError: "We're sorry, a server error occurred. Please wait a bit and try again.",

  // --- Drive ---------------------------------------------------------------------------
  noItemWithId:
    'No item with the given ID could be found. Possibly because you have not edited this item or you do not have permission to access it.',

  // --- Properties / Cache --------------------------------------------------------------
  argumentTooLargeValue: 'Argument too large: value',
  argumentTooLargeKey: 'Argument too large: key',
  propertyQuota: 'You have exceeded the property storage quota. Please remove some properties and try again.',
  /** Cache.put with a non-numeric expiration (observed text, see README). */
  cannotConvertToInt: (v: string) => `Cannot convert '${v}' to int.`,

  // --- Lock ----------------------------------------------------------------------------
  lockTimeout: 'Lock timeout: another process was holding the lock for too long.',

  // --- Runtime -------------------------------------------------------------------------
  exceededTime: 'Exceeded maximum execution time',
  /** Apps Script's permission error. The scope list is omitted for services without a scope (inferred). */
  noPermission: (what: string, scopes?: string) =>
    scopes ? `You do not have permission to call ${what}. Required permissions: ${scopes}` : `You do not have permission to call ${what}.`,

  // --- Html / Ui / ScriptApp -----------------------------------------------------------
  noHtmlFile: (name: string) => `No HTML file named ${name} was found.`,
  tooManyTriggers: 'This script has too many triggers. Triggers must be deleted from the script before more can be added.',
} as const;

/** OAuth scopes named in permission errors. */
export const SCOPES = {
  currentSpreadsheet: '(https://www.googleapis.com/auth/spreadsheets.currentonly || https://www.googleapis.com/auth/spreadsheets)',
  spreadsheets: 'https://www.googleapis.com/auth/spreadsheets',
  drive: 'https://www.googleapis.com/auth/drive',
  /** DriveApp's reads (getFileById, getFilesByName, File getters, isTrashed): the Apps Script reference lists both. */
  driveRead: '(https://www.googleapis.com/auth/drive.readonly || https://www.googleapis.com/auth/drive)',
  containerUi: 'https://www.googleapis.com/auth/script.container.ui',
  email: 'https://www.googleapis.com/auth/userinfo.email',
  scriptApp: 'https://www.googleapis.com/auth/script.scriptapp',
} as const;

/** The error for something this emulator does not implement: loud, never a silent undefined. */
export function notEmulated(what: string): Error {
  return new Error(`not emulated: ${what}`);
}
