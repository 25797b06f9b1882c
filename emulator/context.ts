// The shared state every service object reads: the runtime, Drive, and what the test harness
// scripts or observes (Ui replies, recorded menus/sidebars, triggers, logs).
import { DriveStore } from './drive/driveModel';
import { Runtime } from './runtime';

export type UiAnswer = 'YES' | 'NO' | 'OK' | 'CANCEL' | 'CLOSE';

export interface MenuItemRecord { caption: string; functionName: string; items?: MenuItemRecord[] }

export interface UiRecorder {
  answers: UiAnswer[];
  /** Scripted texts for Ui.prompt(), shifted in order ('' when empty). */
  promptTexts: string[];
  alerts: Array<{ title?: string; prompt: string; buttons?: string }>;
  prompts: Array<{ title?: string; prompt: string; buttons?: string }>;
  menus: Array<{ title: string; items: MenuItemRecord[] }>;
  sidebars: Array<{ title: string; html: string; width?: number }>;
  dialogs: Array<{ title: string; html: string; width?: number; height?: number; modal: boolean }>;
  toasts: Array<{ message: string; title?: string; timeoutSeconds?: number }>;
}

export interface LogRecord { level: 'log' | 'info' | 'warn' | 'error' | 'debug' | 'Logger'; message: string; at: number }

export interface EmuContext {
  rt: Runtime;
  drive: DriveStore;
  timeZone: string;
  htmlDir: string;
  addonName: string;
  ui: UiRecorder;
  triggers: unknown[];
  logs: LogRecord[];
  /** Id of the file SpreadsheetApp.getActiveSpreadsheet() returns, or null. */
  activeSpreadsheetId: string | null;
}
