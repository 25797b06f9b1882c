// Contract: onOpen, onInstall, showSidebar.
//
// The menu and the sidebar are the only parts of the add-on that need SpreadsheetApp.getUi()
// and HtmlService, which the core's Env deliberately does not model; so this module reaches
// the two globals itself, and nothing else.

/** The add-on's display name: the sidebar title and the Extensions submenu. */
export const SIDEBAR_TITLE = 'Sheet Migrator';
/** Google's sidebars are 300 px wide; setWidth keeps the intent explicit. */
export const SIDEBAR_WIDTH = 300;
/** dist/Sidebar.html, pushed by clasp as the HTML file `Sidebar`. */
export const SIDEBAR_FILE = 'Sidebar';

/** Menu item label → top-level function name (the handlers live in src/api/verifyRollback.ts). */
export const MENU_ITEMS: ReadonlyArray<readonly [string, string]> = [
  ['Open migration sidebar', 'showSidebar'],
  ['Verify migration', 'menuVerifyMigration'],
  ['Roll back to v2.1…', 'menuRollbackMigration'],
];

/**
 * Runs on every open, possibly in AuthMode.NONE (the add-on installed but not yet used in
 * this file). In that mode properties, Drive, Session and the active spreadsheet's data are
 * off limits, so this only builds the menu: handler names are plain strings, and nothing
 * here reads state.
 */
export function onOpen(_e?: unknown): void {
  let menu = SpreadsheetApp.getUi().createAddonMenu();
  for (const [label, fn] of MENU_ITEMS) menu = menu.addItem(label, fn);
  menu.addToUi();
}

/** Installing from the Marketplace runs onInstall, not onOpen, in the already-open file. */
export function onInstall(e?: unknown): void {
  onOpen(e);
}

export function showSidebar(): void {
  const html = HtmlService.createHtmlOutputFromFile(SIDEBAR_FILE).setTitle(SIDEBAR_TITLE).setWidth(SIDEBAR_WIDTH);
  SpreadsheetApp.getUi().showSidebar(html);
}
