// Every emulated Apps Script class extends `strictBase('Name')`. Its prototype chain ends in a
// Proxy, so a member the class does not define throws `not emulated: Name.member` instead of
// reading as undefined. Members that do exist are found before the Proxy, so they cost nothing.
import { notEmulated } from './errors';

/** Names that tooling (jest, util.inspect, Promise resolution, JSON) probes on any object; they
 *  must read as undefined rather than throw. */
const PROBES = new Set([
  'then', 'toJSON', 'asymmetricMatch', 'nodeType', 'tagName', 'inspect', 'length', 'constructor',
  'prototype', 'stack', 'message', 'name', 'toStringTag', 'hasAttribute', 'getAttribute',
]);

function isProbe(prop: string): boolean {
  return PROBES.has(prop) || prop.startsWith('_') || prop.startsWith('$$') || prop.startsWith('@@');
}

export function strictBase(apiName: string): new () => object {
  const trap = new Proxy(Object.create(null) as object, {
    get(_target, prop, receiver) {
      if (typeof prop === 'symbol') return Reflect.get(Object.prototype, prop, receiver);
      if (prop in Object.prototype) return Reflect.get(Object.prototype, prop, receiver);
      if (isProbe(prop)) return undefined;
      throw notEmulated(`${apiName}.${prop}`);
    },
  });
  function Base(this: object): void {}
  Base.prototype = Object.create(trap) as object;
  Object.defineProperty(Base.prototype, 'constructor', { value: Base, enumerable: false, writable: true });
  return Base as unknown as new () => object;
}

/** A plain service object (SpreadsheetApp, DriveApp...) made strict the same way. */
export function strictObject<T extends object>(apiName: string, members: T): T {
  const Base = strictBase(apiName);
  const obj = new Base() as T;
  for (const key of Object.keys(members) as Array<keyof T>) {
    Object.defineProperty(obj, key, { value: members[key], enumerable: true, writable: false });
  }
  return obj;
}

/** Apps Script enums are objects, not strings: `toString()` gives the name, identity compares. */
export class EnumValue {
  constructor(readonly enumName: string, readonly key: string, readonly index: number) {}
  toString(): string { return this.key; }
  toJSON(): string { return this.key; }
  name(): string { return this.key; }
  ordinal(): number { return this.index; }
}

export function makeEnum<K extends string>(enumName: string, keys: readonly K[]): Readonly<Record<K, EnumValue>> {
  const out = {} as Record<K, EnumValue>;
  keys.forEach((k, i) => { out[k] = new EnumValue(enumName, k, i); });
  return Object.freeze(out);
}

/** Accepts an enum value of `enumName` or its key as a string (lenient: see README). */
export function enumKey(value: unknown, e: Readonly<Record<string, EnumValue>>): string | undefined {
  if (value instanceof EnumValue) return e[value.key] === value ? value.key : undefined;
  if (typeof value === 'string' && Object.prototype.hasOwnProperty.call(e, value)) return value;
  return undefined;
}
