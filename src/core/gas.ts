// The small slice of the Apps Script API that the migration core uses. The real services
// (through src/adapters) and the emulator (emulator/) both satisfy these interfaces, so
// the core never touches an Apps Script global.

/** What getValues() can return for one cell. Empty cells read as ''. */
export type CellValue = string | number | boolean | Date;

export interface RangeLike {
  getRow(): number;
  getColumn(): number;
  getNumRows(): number;
  getNumColumns(): number;
  getA1Notation(): string;
  getValues(): CellValue[][];
  setValues(values: unknown[][]): RangeLike;
  getFormulas(): string[][];
  setFormulas(formulas: string[][]): RangeLike;
  getDisplayValues(): string[][];
  getNumberFormats(): string[][];
  setNumberFormats(formats: string[][]): RangeLike;
  copyTo(destination: RangeLike, options?: { contentsOnly?: boolean; formatOnly?: boolean }): void;
  clear(): RangeLike;
  clearContent(): RangeLike;
}

export interface ProtectionLike {
  setDescription(description: string): ProtectionLike;
  getDescription(): string;
  remove(): void;
  canEdit(): boolean;
}

export interface SheetLike {
  getName(): string;
  getSheetId(): number;
  getIndex(): number;
  getRange(row: number, column: number, numRows?: number, numColumns?: number): RangeLike;
  getRange(a1Notation: string): RangeLike;
  getDataRange(): RangeLike;
  getLastRow(): number;
  getLastColumn(): number;
  getMaxRows(): number;
  getMaxColumns(): number;
  insertColumnsAfter(afterPosition: number, howMany: number): SheetLike;
  deleteColumns(columnPosition: number, howMany: number): void;
  insertRowsAfter(afterPosition: number, howMany: number): SheetLike;
  deleteRows(rowPosition: number, howMany: number): void;
  copyTo(spreadsheet: SpreadsheetLike): SheetLike;
  setName(name: string): SheetLike;
  protect(): ProtectionLike;
  getProtections(type: 'SHEET' | 'RANGE'): ProtectionLike[];
}

export interface SpreadsheetLike {
  getId(): string;
  getName(): string;
  getUrl(): string;
  getSheetByName(name: string): SheetLike | null;
  getSheets(): SheetLike[];
  insertSheet(name?: string): SheetLike;
  deleteSheet(sheet: SheetLike): void;
  copy(name: string): SpreadsheetLike;
  getSpreadsheetTimeZone(): string;
  /** null for files in shared drives, which have no owner. */
  getOwner(): { getEmail(): string } | null;
  /** Renames the file (needs only the Sheets scope, unlike DriveApp's File.setName). */
  rename?(newName: string): void;
}

export interface DriveFileLike {
  getId(): string;
  getName(): string;
  getUrl(): string;
  isTrashed(): boolean;
  setTrashed(trashed: boolean): DriveFileLike;
  makeCopy(name: string, destination?: DriveFolderLike): DriveFileLike;
  moveTo(destination: DriveFolderLike): DriveFileLike;
  getOwner(): { getEmail(): string } | null;
}

export interface DriveFolderLike {
  getId(): string;
}

export interface PropertyStore {
  getProperty(key: string): string | null;
  setProperty(key: string, value: string): PropertyStore;
  setProperties(properties: Record<string, string>, deleteAllOthers?: boolean): PropertyStore;
  deleteProperty(key: string): PropertyStore;
  getProperties(): Record<string, string>;
  getKeys(): string[];
}

export interface CacheLike {
  get(key: string): string | null;
  put(key: string, value: string, expirationInSeconds?: number): void;
  remove(key: string): void;
}

export interface LockLike {
  tryLock(timeoutInMillis: number): boolean;
  waitLock(timeoutInMillis: number): void;
  hasLock(): boolean;
  releaseLock(): void;
}

/**
 * Everything the core needs from its environment for one execution. Built from the Apps
 * Script globals in src/adapters/env.ts, or from an emulator instance in tests.
 */
export interface Env {
  /** The spreadsheet the add-on is bound to / running in. */
  activeSpreadsheet(): SpreadsheetLike;
  openSpreadsheetById(id: string): SpreadsheetLike;
  /** null when the file does not exist or cannot be reached. */
  getFileById(id: string): DriveFileLike | null;
  /** Files of that exact name the script can see (DriveApp.getFilesByName); optional. */
  findFilesByName?(name: string): DriveFileLike[];
  getFolderById(id: string): DriveFolderLike;
  documentProperties(): PropertyStore;
  documentLock(): LockLike;
  /** Milliseconds since epoch; the emulator's virtual clock in tests. */
  now(): number;
  sleep(ms: number): void;
  /** Email of the person running this execution ('' when Apps Script will not say). */
  activeUser(): string;
  /** SHA-256 of a UTF-8 string, as lowercase hex. */
  sha256Hex(text: string): string;
  formatDate(date: Date, timeZone: string, pattern: string): string;
  uuid(): string;
  /** console.* of the execution (Stackdriver in Apps Script). */
  console: { info(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void; log(...a: unknown[]): void };
  /** Flush pending spreadsheet writes (SpreadsheetApp.flush). */
  flush(): void;
  /** SpreadsheetApp.ProtectionType.SHEET/RANGE: Apps Script wants the enum, not its name. */
  protectionType?(kind: 'SHEET' | 'RANGE'): unknown;
}
