// CacheService: string entries that expire on the virtual clock. Limits and oddities follow a
// script run against real Apps Script (see README): keys up to 250 characters, values up to
// 100 KB, expiration capped at 6 h, a null value stores nothing, at most 1,000 entries per cache
// with the oldest 100 evicted when full.
import type { CacheLike } from '../src/core/gas';
import { EmuContext } from './context';
import { COST_MODEL } from './costModel';
import { EMU_ERRORS } from './errors';
import { CallSpec } from './runtime';
import { strictBase, strictObject } from './strict';
import { getOrMake } from './util';

export const CACHE_KEY_MAX = 250;
export const CACHE_VALUE_MAX_BYTES = 100 * 1024;
export const CACHE_DEFAULT_TTL = 600;
export const CACHE_MAX_TTL = 21600;
export const CACHE_MAX_ENTRIES = 1000;
const EVICT_COUNT = 100;

const AUTH: CallSpec['auth'] = { mode: 'LIMITED' };

interface Entry { value: string; expiresAt: number; seq: number }
type Store = Map<string, Entry>;

export class CacheStores {
  readonly script: Store = new Map();
  readonly users = new Map<string, Store>();
  readonly documents = new Map<string, Store>();
  seq = 0;
  user(email: string): Store { return getOrMake(this.users, email, () => new Map()); }
  document(id: string): Store { return getOrMake(this.documents, id, () => new Map()); }
}

export class EmuCache extends strictBase('Cache') implements CacheLike {
  constructor(private readonly ctx: EmuContext, private readonly stores: CacheStores, private readonly store: Store) { super(); }

  private read<T>(method: string, fn: () => T): T {
    return this.ctx.rt.call(`Cache.${method}`, { cost: COST_MODEL.cacheReadMs, auth: AUTH }, fn);
  }
  private write<T>(method: string, fn: () => T): T {
    return this.ctx.rt.call(`Cache.${method}`, { cost: COST_MODEL.cacheWriteMs, auth: AUTH, mutates: { service: 'Cache' } }, fn);
  }

  private live(key: string): Entry | undefined {
    const e = this.store.get(key);
    if (e && e.expiresAt <= this.ctx.rt.clock.now()) { this.store.delete(key); return undefined; }
    return e;
  }

  private checkKey(key: string): string {
    const k = String(key);
    if (k.length > CACHE_KEY_MAX) throw this.ctx.rt.error(EMU_ERRORS.argumentTooLargeKey);
    return k;
  }

  get(key: string): string | null { return this.read('get', () => this.live(this.checkKey(key))?.value ?? null); }

  getAll(keys: string[]): Record<string, string> {
    return this.read('getAll', () => {
      const out: Record<string, string> = {};
      for (const key of keys) { const e = this.live(this.checkKey(key)); if (e) out[String(key)] = e.value; }
      return out;
    });
  }

  put(key: string, value: string, expirationInSeconds?: number): void {
    this.write('put', () => this.store1(this.checkKey(key), value, this.ttl(expirationInSeconds)));
  }

  putAll(values: Record<string, unknown>, expirationInSeconds?: number): void {
    this.write('putAll', () => {
      const ttl = this.ttl(expirationInSeconds);
      const entries = Object.entries(values ?? {});
      for (const [k, v] of entries) { this.checkKey(k); this.checkValue(v); }
      for (const [k, v] of entries) this.store1(k, v, ttl);
    });
  }

  remove(key: string): void { this.write('remove', () => { this.store.delete(this.checkKey(key)); }); }
  removeAll(keys: string[]): void { this.write('removeAll', () => { for (const k of keys) this.store.delete(this.checkKey(k)); }); }

  private checkValue(value: unknown): void {
    if (value !== null && value !== undefined && Buffer.byteLength(String(value), 'utf8') > CACHE_VALUE_MAX_BYTES) throw this.ctx.rt.error(EMU_ERRORS.argumentTooLargeValue);
  }

  /** Seconds to keep an entry: a number (capped at 6 h; zero or negative fall back to the default). */
  private ttl(expirationInSeconds: unknown): number {
    if (expirationInSeconds === undefined || expirationInSeconds === null) return CACHE_DEFAULT_TTL;
    const n = Number(expirationInSeconds);
    if (!Number.isFinite(n)) throw this.ctx.rt.error(EMU_ERRORS.cannotConvertToInt(String(expirationInSeconds)));
    return n <= 0 ? CACHE_DEFAULT_TTL : Math.min(Math.trunc(n), CACHE_MAX_TTL);
  }

  private store1(key: string, value: unknown, ttl: number): void {
    this.checkValue(value);
    if (value === null || value === undefined) return;
    if (!this.store.has(key) && this.store.size >= CACHE_MAX_ENTRIES) {
      const oldest = [...this.store.entries()].sort((a, b) => a[1].seq - b[1].seq).slice(0, EVICT_COUNT);
      for (const [k] of oldest) this.store.delete(k);
    }
    this.store.set(key, { value: String(value), expiresAt: this.ctx.rt.clock.now() + ttl * 1000, seq: ++this.stores.seq });
  }
}

export function makeCacheService(ctx: EmuContext, stores: CacheStores) {
  const call = <T>(method: string, fn: () => T): T => ctx.rt.call(`CacheService.${method}`, { cost: COST_MODEL.localCallMs, auth: AUTH }, fn);
  return strictObject('CacheService', {
    getDocumentCache: () => call('getDocumentCache', () => (ctx.activeSpreadsheetId ? new EmuCache(ctx, stores, stores.document(ctx.activeSpreadsheetId)) : null)),
    getScriptCache: () => call('getScriptCache', () => new EmuCache(ctx, stores, stores.script)),
    getUserCache: () => call('getUserCache', () => new EmuCache(ctx, stores, stores.user(ctx.rt.user))),
  });
}
