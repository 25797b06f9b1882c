// PropertiesService: string key/value stores that outlive executions. Limits as Apps Script
// enforces them: 9 KB per property and 500 KB per store, both counted as the UTF-8 bytes of key
// plus value (Tanaike's measurements show the key counts; see README).
import type { PropertyStore } from '../src/core/gas';
import { EmuContext } from './context';
import { COST_MODEL } from './costModel';
import { EMU_ERRORS } from './errors';
import { CallSpec } from './runtime';
import { strictBase, strictObject } from './strict';
import { getOrMake } from './util';

export const PROPERTY_LIMIT_BYTES = 9 * 1024;
export const STORE_LIMIT_BYTES = 500 * 1024;

const AUTH: CallSpec['auth'] = { mode: 'LIMITED' };

function bytes(s: string): number { return Buffer.byteLength(s, 'utf8'); }
function entryBytes(k: string, v: string): number { return bytes(k) + bytes(v); }

/** All property stores of one emulator. */
export class PropertyStores {
  readonly script = new Map<string, string>();
  readonly users = new Map<string, Map<string, string>>();
  readonly documents = new Map<string, Map<string, string>>();

  user(email: string): Map<string, string> { return getOrMake(this.users, email, () => new Map()); }
  document(id: string): Map<string, string> { return getOrMake(this.documents, id, () => new Map()); }
}

export class EmuProperties extends strictBase('Properties') implements PropertyStore {
  constructor(private readonly ctx: EmuContext, private readonly store: Map<string, string>) { super(); }

  private read<T>(method: string, fn: () => T): T {
    return this.ctx.rt.call(`Properties.${method}`, { cost: COST_MODEL.propertyReadMs, auth: AUTH }, fn);
  }
  private write<T>(method: string, fn: () => T): T {
    return this.ctx.rt.call(`Properties.${method}`, { cost: COST_MODEL.propertyWriteMs, auth: AUTH, mutates: { service: 'Properties' } }, fn);
  }

  getProperty(key: string): string | null { return this.read('getProperty', () => this.store.get(String(key)) ?? null); }
  getProperties(): Record<string, string> { return this.read('getProperties', () => Object.fromEntries(this.store)); }
  getKeys(): string[] { return this.read('getKeys', () => [...this.store.keys()]); }

  setProperty(key: string, value: string): EmuProperties {
    return this.write('setProperty', () => { this.apply({ [String(key)]: String(value) }, false); return this; });
  }

  setProperties(properties: Record<string, unknown>, deleteAllOthers = false): EmuProperties {
    return this.write('setProperties', () => {
      const entries: Record<string, string> = {};
      for (const [k, v] of Object.entries(properties ?? {})) entries[k] = String(v);
      this.apply(entries, !!deleteAllOthers);
      return this;
    });
  }

  deleteProperty(key: string): EmuProperties { return this.write('deleteProperty', () => { this.store.delete(String(key)); return this; }); }
  deleteAllProperties(): EmuProperties { return this.write('deleteAllProperties', () => { this.store.clear(); return this; }); }

  /** Checks every limit before changing anything, so a refused write leaves the store as it was. */
  private apply(entries: Record<string, string>, deleteAllOthers: boolean): void {
    const rt = this.ctx.rt;
    for (const [k, v] of Object.entries(entries)) if (entryBytes(k, v) > PROPERTY_LIMIT_BYTES) throw rt.error(EMU_ERRORS.argumentTooLargeValue);
    const next = new Map(deleteAllOthers ? [] : this.store);
    for (const [k, v] of Object.entries(entries)) next.set(k, v);
    let total = 0;
    for (const [k, v] of next) total += entryBytes(k, v);
    if (total > STORE_LIMIT_BYTES) throw rt.error(EMU_ERRORS.propertyQuota);
    this.store.clear();
    for (const [k, v] of next) this.store.set(k, v);
  }
}

export function makePropertiesService(ctx: EmuContext, stores: PropertyStores) {
  const call = <T>(method: string, fn: () => T): T => ctx.rt.call(`PropertiesService.${method}`, { cost: COST_MODEL.localCallMs, auth: AUTH }, fn);
  return strictObject('PropertiesService', {
    /** Per active spreadsheet; null when there is none (as for a standalone script). */
    getDocumentProperties: () => call('getDocumentProperties', () => (ctx.activeSpreadsheetId ? new EmuProperties(ctx, stores.document(ctx.activeSpreadsheetId)) : null)),
    getScriptProperties: () => call('getScriptProperties', () => new EmuProperties(ctx, stores.script)),
    getUserProperties: () => call('getUserProperties', () => new EmuProperties(ctx, stores.user(ctx.rt.user))),
  });
}
