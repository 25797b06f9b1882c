// Utilities: digests and base64 as Java signed bytes (-128..127), SimpleDateFormat dates,
// sleep on the virtual clock, deterministic UUIDs, minimal blobs and formatString.
import * as crypto from 'crypto';
import { EmuContext } from './context';
import { isDate } from './clock';
import { COST_MODEL } from './costModel';
import { EMU_ERRORS, notEmulated } from './errors';
import { typeName } from './spreadsheet/values';
import { EnumValue, enumKey, makeEnum, strictBase, strictObject } from './strict';
import { formatJavaDate, javaTimeZone, parseJavaDate } from './time';

export const DigestAlgorithm = makeEnum('DigestAlgorithm', ['MD2', 'MD5', 'SHA_1', 'SHA_256', 'SHA_384', 'SHA_512'] as const);
export const Charset = makeEnum('Charset', ['US_ASCII', 'UTF_8'] as const);
export const MacAlgorithm = makeEnum('MacAlgorithm', ['HMAC_MD5', 'HMAC_SHA_1', 'HMAC_SHA_256', 'HMAC_SHA_384', 'HMAC_SHA_512'] as const);

const NODE_DIGEST: Record<string, string> = { MD5: 'md5', SHA_1: 'sha1', SHA_256: 'sha256', SHA_384: 'sha384', SHA_512: 'sha512' };

/** Java bytes are signed. */
export function toSignedBytes(buf: Uint8Array): number[] {
  const out = new Array<number>(buf.length);
  for (let i = 0; i < buf.length; i++) out[i] = buf[i] > 127 ? buf[i] - 256 : buf[i];
  return out;
}

function encode(value: unknown, charset?: unknown): Buffer {
  if (Array.isArray(value)) return Buffer.from(value.map((b) => Number(b) & 0xff));
  const s = String(value);
  // Java's US-ASCII encoder writes '?' for anything outside ASCII.
  return enumKey(charset, Charset) === 'US_ASCII' ? Buffer.from(s.replace(/[^\x00-\x7f]/g, '?'), 'latin1') : Buffer.from(s, 'utf8');
}

export class EmuBlob extends strictBase('Blob') {
  constructor(private readonly ctx: EmuContext, private bytes: Buffer, private contentType: string | null, private name: string | null) { super(); }
  private call<T>(method: string, fn: () => T): T { return this.ctx.rt.call(`Blob.${method}`, { cost: COST_MODEL.utilityMs }, fn); }
  getBytes(): number[] { return this.call('getBytes', () => toSignedBytes(this.bytes)); }
  getDataAsString(charset?: string): string { return this.call('getDataAsString', () => this.bytes.toString(/ascii/i.test(String(charset ?? '')) ? 'latin1' : 'utf8')); }
  setDataFromString(s: string): EmuBlob { return this.call('setDataFromString', () => { this.bytes = Buffer.from(String(s), 'utf8'); return this; }); }
  getContentType(): string | null { return this.call('getContentType', () => this.contentType); }
  setContentType(t: string): EmuBlob { return this.call('setContentType', () => { this.contentType = t; return this; }); }
  getName(): string | null { return this.call('getName', () => this.name); }
  setName(n: string): EmuBlob { return this.call('setName', () => { this.name = n; return this; }); }
  copyBlob(): EmuBlob { return this.call('copyBlob', () => new EmuBlob(this.ctx, Buffer.from(this.bytes), this.contentType, this.name)); }
  isGoogleType(): boolean { return this.call('isGoogleType', () => false); }
}

/** Java's String.format for %s %d %f %x %% with flags and width/precision (what formatString takes). */
export function javaFormat(template: string, args: unknown[]): string {
  let k = 0;
  return String(template).replace(/%([-0+ ,]*)(\d+)?(?:\.(\d+))?([sdfxXbe%n])/g, (_m, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    if (conv === 'n') return '\n';
    const a = args[k++];
    let s: string;
    switch (conv) {
      case 'd': s = String(Math.trunc(Number(a))); if (flags.includes(',')) s = s.replace(/\B(?=(\d{3})+(?!\d))/g, ','); break;
      case 'f': s = Number(a).toFixed(prec !== undefined ? Number(prec) : 6); break;
      case 'e': s = Number(a).toExponential(prec !== undefined ? Number(prec) : 6); break;
      case 'x': s = (Number(a) >>> 0).toString(16); break;
      case 'X': s = (Number(a) >>> 0).toString(16).toUpperCase(); break;
      case 'b': s = String(!!a); break;
      default: s = String(a); if (prec !== undefined) s = s.slice(0, Number(prec));
    }
    if (flags.includes('+') && /[df]/.test(conv) && Number(a) >= 0) s = '+' + s;
    const w = width ? Number(width) : 0;
    if (s.length < w) s = flags.includes('-') ? s.padEnd(w) : flags.includes('0') && /[dfxX]/.test(conv) ? s.replace(/^([+-]?)/, (sign) => sign + '0'.repeat(w - s.length)) : s.padStart(w);
    return s;
  });
}

export function makeUtilities(ctx: EmuContext) {
  const rt = ctx.rt;
  const call = <T>(method: string, cost: number, fn: () => T): T => rt.call(`Utilities.${method}`, { cost }, fn);
  const digest = (method: string, algorithm: EnumValue, value: unknown, charset?: unknown): number[] => {
    const data = encode(value, charset);
    return call(method, COST_MODEL.digestBaseMs + (COST_MODEL.digestPerKbMs * data.length) / 1024, () => {
      const key = enumKey(algorithm, DigestAlgorithm);
      if (!key) throw rt.error(`Invalid argument: algorithm`);
      if (key === 'MD2') throw notEmulated('Utilities.computeDigest(DigestAlgorithm.MD2)');
      return toSignedBytes(crypto.createHash(NODE_DIGEST[key]).update(data).digest());
    });
  };
  const uuid = (): string => {
    const b = Buffer.alloc(16);
    for (let i = 0; i < 16; i++) b[i] = Math.floor(rt.random() * 256);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };

  return strictObject('Utilities', {
    DigestAlgorithm,
    Charset,
    MacAlgorithm,
    computeDigest: (algorithm: EnumValue, value: unknown, charset?: unknown) => digest('computeDigest', algorithm, value, charset),
    computeHmacSha256Signature: (value: unknown, key: unknown, charset?: unknown) => call('computeHmacSha256Signature', COST_MODEL.digestBaseMs, () =>
      toSignedBytes(crypto.createHmac('sha256', encode(key, charset)).update(encode(value, charset)).digest())),
    formatDate: (date: Date, timeZone: string, format: string) => call('formatDate', COST_MODEL.utilityMs, () => {
      if (!isDate(date)) throw rt.error(EMU_ERRORS.signatureMismatch([date, timeZone, format].map(typeName).join(','), 'Utilities.formatDate'));
      return formatJavaDate(Date.prototype.getTime.call(date), javaTimeZone(String(timeZone)), String(format));
    }),
    parseDate: (date: string, timeZone: string, format: string) => call('parseDate', COST_MODEL.utilityMs, () => {
      const ms = parseJavaDate(String(date), javaTimeZone(String(timeZone)), String(format));
      if (ms === null) throw rt.error(`Unparseable date: "${date}"`);
      return new Date(ms);
    }),
    formatString: (template: string, ...args: unknown[]) => call('formatString', COST_MODEL.utilityMs, () => javaFormat(template, args)),
    getUuid: () => call('getUuid', COST_MODEL.utilityMs, uuid),
    /** Sleeping is modelled time: it counts toward the execution limit and moves the clock. */
    sleep: (milliseconds: number) => call('sleep', Math.max(0, Number(milliseconds) || 0), () => undefined),
    base64Encode: (data: unknown, charset?: unknown) => call('base64Encode', COST_MODEL.utilityMs, () => encode(data, charset).toString('base64')),
    base64EncodeWebSafe: (data: unknown, charset?: unknown) => call('base64EncodeWebSafe', COST_MODEL.utilityMs, () => encode(data, charset).toString('base64').replace(/\+/g, '-').replace(/\//g, '_')),
    base64Decode: (encoded: string) => call('base64Decode', COST_MODEL.utilityMs, () => toSignedBytes(Buffer.from(String(encoded), 'base64'))),
    base64DecodeWebSafe: (encoded: string) => call('base64DecodeWebSafe', COST_MODEL.utilityMs, () => toSignedBytes(Buffer.from(String(encoded).replace(/-/g, '+').replace(/_/g, '/'), 'base64'))),
    newBlob: (data: unknown, contentType?: string, name?: string) => call('newBlob', COST_MODEL.utilityMs, () => new EmuBlob(ctx, encode(data ?? ''), contentType ?? null, name ?? null)),
  });
}
