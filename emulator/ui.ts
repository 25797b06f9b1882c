// Ui: menus, sidebars and dialogs are recorded in emu.ui; alert()/prompt() return the replies the
// test scripted in emu.ui.answers (and emu.ui.promptTexts), in order.
import { EmuContext, MenuItemRecord, UiAnswer } from './context';
import { COST_MODEL } from './costModel';
import { SCOPES } from './errors';
import { EmuHtmlOutput } from './html';
import { CallSpec } from './runtime';
import { enumKey, EnumValue, makeEnum, strictBase } from './strict';

export const Button = makeEnum('Button', ['CLOSE', 'OK', 'CANCEL', 'YES', 'NO'] as const);
export const ButtonSet = makeEnum('ButtonSet', ['OK', 'OK_CANCEL', 'YES_NO', 'YES_NO_CANCEL'] as const);

const ALLOWED: Record<string, UiAnswer[]> = {
  OK: ['OK', 'CLOSE'], OK_CANCEL: ['OK', 'CANCEL', 'CLOSE'], YES_NO: ['YES', 'NO', 'CLOSE'], YES_NO_CANCEL: ['YES', 'NO', 'CANCEL', 'CLOSE'],
};

const UI_AUTH: CallSpec['auth'] = { mode: 'LIMITED', scopes: SCOPES.containerUi };

export class EmuMenu extends strictBase('Menu') {
  private readonly items: MenuItemRecord[] = [];
  constructor(private readonly ctx: EmuContext, readonly title: string) { super(); }

  private call<T>(method: string, fn: () => T): T { return this.ctx.rt.call(`Menu.${method}`, { cost: COST_MODEL.localCallMs }, fn); }

  addItem(caption: string, functionName: string): EmuMenu {
    return this.call('addItem', () => { this.items.push({ caption: String(caption), functionName: String(functionName) }); return this; });
  }
  addSeparator(): EmuMenu { return this.call('addSeparator', () => this); }
  addSubMenu(menu: EmuMenu): EmuMenu {
    return this.call('addSubMenu', () => { this.items.push({ caption: menu.title, functionName: '', items: menu.records() }); return this; });
  }
  addToUi(): void {
    this.call('addToUi', () => {
      const menus = this.ctx.ui.menus;
      const i = menus.findIndex((m) => m.title === this.title);
      const record = { title: this.title, items: this.records() };
      if (i >= 0) menus[i] = record; else menus.push(record);
    });
  }
  /** Not an Apps Script method: the items as recorded. */
  records(): MenuItemRecord[] { return this.items.map((x) => ({ ...x })); }
}

class EmuPromptResponse extends strictBase('PromptResponse') {
  constructor(private readonly text: string, private readonly button: EnumValue) { super(); }
  getResponseText(): string { return this.text; }
  getSelectedButton(): EnumValue { return this.button; }
}

export class EmuUi extends strictBase('Ui') {
  readonly Button = Button;
  readonly ButtonSet = ButtonSet;
  constructor(private readonly ctx: EmuContext) { super(); }

  private call<T>(method: string, cost: number, auth: CallSpec['auth'], fn: () => T): T {
    return this.ctx.rt.call(`Ui.${method}`, { cost, ...(auth ? { auth } : {}) }, fn);
  }

  createMenu(caption: string): EmuMenu { return this.call('createMenu', COST_MODEL.localCallMs, undefined, () => new EmuMenu(this.ctx, String(caption))); }
  /** The add-on menu is titled with the add-on's name (Extensions > Sheet Migrator). */
  createAddonMenu(): EmuMenu { return this.call('createAddonMenu', COST_MODEL.localCallMs, undefined, () => new EmuMenu(this.ctx, this.ctx.addonName)); }

  alert(...args: unknown[]): EnumValue {
    return this.call('alert', COST_MODEL.uiDialogMs, UI_AUTH, () => {
      const { title, prompt, buttons } = dialogArgs(args);
      this.ctx.ui.alerts.push({ ...(title !== undefined ? { title } : {}), prompt, ...(buttons !== undefined ? { buttons } : {}) });
      return this.answer(buttons ?? 'OK');
    });
  }

  prompt(...args: unknown[]): EmuPromptResponse {
    return this.call('prompt', COST_MODEL.uiDialogMs, UI_AUTH, () => {
      const { title, prompt, buttons } = dialogArgs(args);
      this.ctx.ui.prompts.push({ ...(title !== undefined ? { title } : {}), prompt, ...(buttons !== undefined ? { buttons } : {}) });
      const button = this.answer(buttons ?? 'OK');
      return new EmuPromptResponse(this.ctx.ui.promptTexts.shift() ?? '', button);
    });
  }

  /** The next scripted reply; without one, the set's first button (OK or YES). */
  private answer(set: string): EnumValue {
    const allowed = ALLOWED[set];
    const next = this.ctx.ui.answers.shift();
    if (next === undefined) return Button[allowed[0]];
    if (!allowed.includes(next)) throw new Error(`emulator: scripted answer ${next} is not a button of ButtonSet.${set}`);
    return Button[next];
  }

  showSidebar(userInterface: EmuHtmlOutput): void {
    this.call('showSidebar', COST_MODEL.uiShowMs, UI_AUTH, () => {
      const s = userInterface.snapshot();
      this.ctx.ui.sidebars.push({ title: s.title, html: s.html, ...(s.width !== undefined ? { width: s.width } : {}) });
    });
  }

  showModalDialog(userInterface: EmuHtmlOutput, title: string): void { this.dialog('showModalDialog', userInterface, title, true); }
  showModelessDialog(userInterface: EmuHtmlOutput, title: string): void { this.dialog('showModelessDialog', userInterface, title, false); }

  private dialog(method: string, out: EmuHtmlOutput, title: string, modal: boolean): void {
    this.call(method, COST_MODEL.uiShowMs, UI_AUTH, () => {
      const s = out.snapshot();
      this.ctx.ui.dialogs.push({ title: String(title), html: s.html, ...(s.width !== undefined ? { width: s.width } : {}), ...(s.height !== undefined ? { height: s.height } : {}), modal });
    });
  }
}

/** alert(prompt) | alert(prompt, buttons) | alert(title, prompt, buttons). */
function dialogArgs(args: unknown[]): { title?: string; prompt: string; buttons?: string } {
  const last = args[args.length - 1];
  const buttons = enumKey(last, ButtonSet);
  const texts = (buttons !== undefined ? args.slice(0, -1) : args).map(String);
  return texts.length >= 2 ? { title: texts[0], prompt: texts[1], buttons } : { prompt: texts[0] ?? '', buttons };
}
