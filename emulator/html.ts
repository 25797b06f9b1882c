// HtmlService: outputs from strings or from `${htmlDir}/${name}.html`, and templates with
// Apps Script's scriptlets (<? ?>, <?= ?> escaped, <?!= ?> raw).
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import { EmuContext } from './context';
import { COST_MODEL } from './costModel';
import { EMU_ERRORS } from './errors';
import { makeEnum, strictBase, strictObject, EnumValue } from './strict';

export const XFrameOptionsMode = makeEnum('XFrameOptionsMode', ['ALLOWALL', 'DEFAULT'] as const);
export const SandboxMode = makeEnum('SandboxMode', ['EMULATED', 'IFRAME', 'NATIVE'] as const);

export class EmuHtmlOutput extends strictBase('HtmlOutput') {
  private title = '';
  private width: number | undefined = undefined;
  private height: number | undefined = undefined;
  private readonly metaTags: Array<{ name: string; content: string }> = [];

  constructor(private readonly ctx: EmuContext, private content: string) { super(); }

  private call<T>(method: string, fn: () => T): T { return this.ctx.rt.call(`HtmlOutput.${method}`, { cost: COST_MODEL.localCallMs }, fn); }

  getContent(): string { return this.call('getContent', () => this.content); }
  setContent(content: string): EmuHtmlOutput { return this.call('setContent', () => { this.content = String(content); return this; }); }
  append(addedContent: string): EmuHtmlOutput { return this.call('append', () => { this.content += String(addedContent); return this; }); }
  appendUntrusted(addedContent: string): EmuHtmlOutput { return this.call('appendUntrusted', () => { this.content += escapeHtml(String(addedContent)); return this; }); }
  clear(): EmuHtmlOutput { return this.call('clear', () => { this.content = ''; return this; }); }
  getTitle(): string { return this.call('getTitle', () => this.title); }
  setTitle(title: string): EmuHtmlOutput { return this.call('setTitle', () => { this.title = String(title); return this; }); }
  getWidth(): number | null { return this.call('getWidth', () => this.width ?? null); }
  setWidth(width: number): EmuHtmlOutput { return this.call('setWidth', () => { this.width = Number(width); return this; }); }
  getHeight(): number | null { return this.call('getHeight', () => this.height ?? null); }
  setHeight(height: number): EmuHtmlOutput { return this.call('setHeight', () => { this.height = Number(height); return this; }); }
  setXFrameOptionsMode(_mode: EnumValue): EmuHtmlOutput { return this.call('setXFrameOptionsMode', () => this); }
  setSandboxMode(_mode: EnumValue): EmuHtmlOutput { return this.call('setSandboxMode', () => this); }
  addMetaTag(name: string, content: string): EmuHtmlOutput { return this.call('addMetaTag', () => { this.metaTags.push({ name, content }); return this; }); }
  setFaviconUrl(_iconUrl: string): EmuHtmlOutput { return this.call('setFaviconUrl', () => this); }

  /** For the Ui recorder (not an Apps Script method, so it is not counted). */
  snapshot(): { title: string; html: string; width?: number; height?: number } {
    return { title: this.title, html: this.content, ...(this.width !== undefined ? { width: this.width } : {}), ...(this.height !== undefined ? { height: this.height } : {}) };
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Turns a template into the body of a function of (__vars, __escape) that returns the HTML. */
export function compileTemplate(src: string): string {
  let code = 'var __out = [];\n';
  let last = 0;
  const re = /<\?(!=|=)?([\s\S]*?)\?>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(src))) {
    if (m.index > last) code += `__out.push(${JSON.stringify(src.slice(last, m.index))});\n`;
    if (m[1] === '=') code += `__out.push(__escape(String(${m[2]})));\n`;
    else if (m[1] === '!=') code += `__out.push(String(${m[2]}));\n`;
    else code += m[2] + '\n';
    last = re.lastIndex;
  }
  if (last < src.length) code += `__out.push(${JSON.stringify(src.slice(last))});\n`;
  return code + "return __out.join('');";
}

export class EmuHtmlTemplate extends strictBase('HtmlTemplate') {
  constructor(private readonly ctx: EmuContext, private readonly source: string) { super(); }

  getCode(): string { return this.ctx.rt.call('HtmlTemplate.getCode', { cost: COST_MODEL.localCallMs }, () => compileTemplate(this.source)); }

  /** Runs the scriptlets in the bundle's realm when there is one (so they see its functions). */
  evaluate(): EmuHtmlOutput {
    return this.ctx.rt.call('HtmlTemplate.evaluate', { cost: COST_MODEL.htmlMs }, () => {
      const body = `with (__vars) {\n${compileTemplate(this.source)}\n}`;
      const realm = this.ctx.rt.bundleContext();
      const fn = realm
        ? (vm.runInContext(`(function (__vars, __escape) {\n${body}\n})`, realm) as (v: object, e: (s: string) => string) => string)
        : (new Function('__vars', '__escape', body) as (v: object, e: (s: string) => string) => string);
      return new EmuHtmlOutput(this.ctx, fn(this, escapeHtml));
    });
  }
}

function readHtmlFile(ctx: EmuContext, filename: string): string {
  const name = String(filename).replace(/\.html$/, '');
  const file = path.resolve(ctx.htmlDir, `${name}.html`);
  if (!fs.existsSync(file)) throw ctx.rt.error(EMU_ERRORS.noHtmlFile(name));
  return fs.readFileSync(file, 'utf8');
}

export function makeHtmlService(ctx: EmuContext) {
  const call = <T>(method: string, fn: () => T): T => ctx.rt.call(`HtmlService.${method}`, { cost: COST_MODEL.htmlMs }, fn);
  return strictObject('HtmlService', {
    XFrameOptionsMode,
    SandboxMode,
    createHtmlOutput: (html?: string) => call('createHtmlOutput', () => new EmuHtmlOutput(ctx, html === undefined ? '' : String(html))),
    createHtmlOutputFromFile: (filename: string) => call('createHtmlOutputFromFile', () => new EmuHtmlOutput(ctx, readHtmlFile(ctx, filename))),
    createTemplate: (html: string) => call('createTemplate', () => new EmuHtmlTemplate(ctx, String(html))),
    createTemplateFromFile: (filename: string) => call('createTemplateFromFile', () => new EmuHtmlTemplate(ctx, readHtmlFile(ctx, filename))),
  });
}
