// The largest payload of one Spreadsheet call that Apps Script handles comfortably, in cells.
// It is the bench's own definition (the product has its own constant in src/core/chunking.ts;
// the lower bound must not move when the product changes).
//
// Why 200,000 cells:
// * Google's Sheets API limits page: "While Sheets API has no hard size limits for an API
//   request ... To speed up requests, we recommend a 2 MB maximum payload"
//   (developers.google.com/workspace/sheets/api/limits). SpreadsheetApp talks to the same
//   Sheets backend; no separate SpreadsheetApp limit is documented.
// * Operaciones-like data weighs 9.3 bytes per cell as JSON (measured by the bench on the sample
//   workbook: ids, names, dates, numbers, blanks; formulas 3.0 bytes per cell). 2 MB / 9.3 B =
//   225,000 cells; 200,000 leaves room for wider text than the sample's.
// * In the emulator's cost model a 200,000-cell read is 0.63 s and a write 2.05 s: far inside a
//   30-second execution budget, so the payload, not time, is what limits a call.
// * Field practice agrees in order of magnitude: scripts chunk at thousands to tens of thousands
//   of rows of a few tens of columns (10^5 cells), and reports of "Service Spreadsheets timed
//   out" come from calls of millions of cells.
export const PAYLOAD_BYTES = 2 * 1024 * 1024;
export const MEASURED_BYTES_PER_CELL = 9.3;
export const PAYLOAD_CELLS = 200000;
