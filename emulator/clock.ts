// The virtual clock. Nothing in the emulator reads the machine's time: service calls advance this
// clock by their modelled cost, and the `Date` handed to the bundle reads it, so runs are
// deterministic and a 6-minute execution takes milliseconds of real time.

export class Clock {
  private ms: number;
  constructor(startMs: number) { this.ms = startMs; }
  now(): number { return this.ms; }
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`clock.advance: expected a non-negative number of ms, got ${ms}`);
    this.ms += ms;
  }
  set(ms: number): void { this.ms = ms; }
}

/**
 * A `Date` constructor for the bundle's realm whose `new Date()` and `Date.now()` read the virtual
 * clock. Its prototype is the real `Date.prototype`, so its instances are ordinary Dates; and
 * `x instanceof Date` accepts a Date of any realm, since values cross between the test realm and
 * the bundle's vm realm.
 */
export function makeVirtualDate(now: () => number): DateConstructor {
  const RealDate = Date;
  function VirtualDate(this: unknown, ...args: unknown[]): Date | string {
    if (!new.target) return new RealDate(now()).toString();
    const d = args.length === 0 ? new RealDate(now()) : new (RealDate as unknown as new (...a: unknown[]) => Date)(...args);
    if (new.target !== VirtualDate) Object.setPrototypeOf(d, new.target.prototype as object);
    return d;
  }
  VirtualDate.prototype = RealDate.prototype;
  Object.defineProperties(VirtualDate, {
    now: { value: () => now(), writable: true, configurable: true },
    parse: { value: RealDate.parse, writable: true, configurable: true },
    UTC: { value: RealDate.UTC, writable: true, configurable: true },
    [Symbol.hasInstance]: { value: (x: unknown) => isDate(x) },
  });
  return VirtualDate as unknown as DateConstructor;
}

/** Realm-independent Date test: `instanceof Date` fails for a Date made in the bundle's vm realm. */
export function isDate(x: unknown): x is Date {
  return Object.prototype.toString.call(x) === '[object Date]';
}

/** A fresh main-realm copy of a Date from any realm. */
export function copyDate(d: Date): Date {
  return new Date(Date.prototype.getTime.call(d));
}
